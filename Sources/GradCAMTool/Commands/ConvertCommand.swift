import AtomicFiles
import ArgumentParser
import Checkpoints
import Foundation

/// `gradcam convert IN OUT.safetensors`: any supported checkpoint to safetensors.
struct ConvertCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "convert",
    abstract: "Convert a PyTorch (zip or legacy) or safetensors checkpoint to safetensors.",
    discussion: """
      Nested checkpoints (state_dict, model, teacher, ...) are flattened and wrapper prefixes \
      (module., backbone., encoder_q., ...) removed unless --keep-keys is given. Nothing in the \
      input is ever executed: pickles are read by a restricted interpreter.
      """)

  @Argument(help: "The checkpoint to read.")
  var input: String

  @Argument(help: "The .safetensors file to write (atomically).")
  var output: String

  @Flag(help: "Keep the checkpoint's keys exactly as stored (no prefix normalisation).")
  var keepKeys = false

  @OptionGroup var checkpointLimits: CheckpointLimitOptions

  func run() throws {
    guard output.hasSuffix(".safetensors") else {
      throw CLIError("the output must end in .safetensors: \(output)")
    }
    let plan = OutputPlan(inputs: [input])
    let destination = try plan.file(output)
    let url = URL(fileURLWithPath: input)
    let stateDict = try checkpointLimits.explaining {
      try Checkpoint.loadStateDict(
        contentsOf: url, normalization: keepKeys ? .none : .standard, options: checkpointLimits.loadOptions)
    }
    let bytes = try SafeTensors.encode(
      stateDict.entries.map { ($0.key, $0.tensor) },
      metadata: ["source": url.lastPathComponent, "converter": "gradcam \(GradCAMVersion.string)"])
    try plan.write(bytes, to: destination)
    try plan.commit()
    let dropped = stateDict.droppedKeys.count
    FileHandle.standardError.write(
      "wrote \(stateDict.entries.count) tensors to \(output)\(dropped > 0 ? " (\(dropped) non-model keys dropped)" : "")\n")
  }
}

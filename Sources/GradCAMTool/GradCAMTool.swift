import ArgumentParser
import Autodiff
import Foundation
import Suggestions

/// The `gradcam` command: Grad-CAM attention analysis of image classifiers under corruption.
@main
struct GradCAMTool: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "gradcam",
    abstract: "Grad-CAM attention analysis of image classifiers under distribution shift.",
    discussion: """
      Exit codes: 0 success, 1 bad input or runtime error (a one-line message on stderr), \
      64 usage error (a mistyped command, option or value gets a did-you-mean suggestion). \
      `gradcam` alone prints this help and exits 0.
      """,
    version: GradCAMVersion.string,
    subcommands: [
      ExplainCommand.self, CAMCommand.self, CorruptCommand.self, PredictCommand.self, ConvertCommand.self,
      ModelsCommand.self, LayersCommand.self, DemoCommand.self, TrainDemoCommand.self, BenchCommand.self,
      EvaluateCommand.self, MergeCommand.self, PlotCommand.self, TableCommand.self,
    ],
    defaultSubcommand: ExplainCommand.self)

  /// Runs the command line: no arguments print the help (exit 0); a first word that is not a
  /// command is a usage error with the nearest command suggested (the default command, explain,
  /// takes no positional arguments, so such a word can only be a mistyped command).
  static func main() {
    let arguments = Array(CommandLine.arguments.dropFirst())
    guard let first = arguments.first else {
      print(helpMessage())
      return
    }
    let commands = configuration.subcommands.map { $0.configuration.commandName ?? "" } + ["help"]
    if !first.hasPrefix("-"), !commands.contains(first) {
      let hint = closestMatches(to: first, in: commands).first.map { "; did you mean '\($0)'?" } ?? ""
      exit(withError: ValidationError("unknown command '\(first)'\(hint) (commands: \(commands.dropLast().joined(separator: ", ")))"))
    }
    // A GRADCAM_ISA the processor cannot honour would silently measure the wrong kernels.
    if let problem = KernelISA.problem { exit(withError: CLIError(problem)) }
    do {
      var command = try parseAsRoot(arguments)
      try command.run()
    } catch {
      // The parser reports a missing --image before an unknown --imag: name the typo first.
      if exitCode(for: error) == .validationFailure, let typo = unknownOption(in: arguments) {
        let usage = fullMessage(for: error).split(separator: "\n", omittingEmptySubsequences: false).drop {
          !$0.hasPrefix("Usage:")
        }
        FileHandle.standardError.write(Data(((["Error: \(typo)"] + usage).joined(separator: "\n") + "\n").utf8))
        Foundation.exit(ExitCode.validationFailure.rawValue)
      }
      exit(withError: error)
    }
  }

  /// "Unknown option '--imag'. Did you mean '--image'?" for the first `--name` of `arguments`
  /// that its command (the first word naming one, else explain) does not have, or nil.
  static func unknownOption(in arguments: [String]) -> String? {
    let command = configuration.subcommands.first { $0.configuration.commandName == arguments.first } ?? ExplainCommand.self
    var known: Set<String> = ["--help", "--version", "--generate-completion-script", "--experimental-dump-help"]
    for word in helpMessage(for: command, includeHidden: true).split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "," }) {
      let name = word.trimmingCharacters(in: CharacterSet(charactersIn: "`'\"()[].:;"))
      if name.hasPrefix("--"), name.dropFirst(2).allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" }) { known.insert(name) }
    }
    for argument in arguments.prefix(while: { $0 != "--" }) where argument.hasPrefix("--") {
      let name = String(argument.prefix { $0 != "=" })
      guard !known.contains(name) else { continue }
      let hint = closestMatches(to: name, in: known.sorted(), maxDistance: 3).first.map { " Did you mean '\($0)'?" } ?? ""
      return "Unknown option '\(name)'.\(hint)"
    }
    return nil
  }
}

/// The toolkit's version, written into reports.
enum GradCAMVersion {
  static let string = "0.1.0"
}

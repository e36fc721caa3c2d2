import ArgumentParser
import Foundation

/// The `gradcam` command: Grad-CAM attention analysis of image classifiers under corruption.
@main
struct GradCAMTool: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "gradcam",
    abstract: "Grad-CAM attention analysis of image classifiers under distribution shift.",
    discussion: """
      Exit codes: 0 success, 1 bad input or runtime error (a one-line message on stderr), \
      64 usage error.
      """,
    version: GradCAMVersion.string,
    subcommands: [
      ExplainCommand.self, CAMCommand.self, CorruptCommand.self, PredictCommand.self, ConvertCommand.self,
      ModelsCommand.self, DemoCommand.self, BenchCommand.self,
      EvaluateCommand.self, MergeCommand.self, PlotCommand.self, TableCommand.self,
    ],
    defaultSubcommand: ExplainCommand.self)
}

/// The toolkit's version, written into reports.
enum GradCAMVersion {
  static let string = "0.1.0"
}

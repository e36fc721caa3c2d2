import GradCAM
import ProgressBars

/// Draws a sweep's progress on stderr: one progress line per stage, labelled by `label`.
final class StageProgress {
  private let quiet: Bool
  private let label: (CorruptionSweep.Stage) -> String
  private var lines: [CorruptionSweep.Stage: ProgressBar] = [:]

  init(quiet: Bool, label: @escaping (CorruptionSweep.Stage) -> String) {
    self.quiet = quiet
    self.label = label
  }

  /// The sweep's progress callback.
  func update(_ stage: CorruptionSweep.Stage, done: Int, total: Int) {
    let line = lines[stage] ?? ProgressBar(label(stage), total: total, quiet: quiet)
    lines[stage] = line
    if done > 0 { line.update(done) }
  }
}

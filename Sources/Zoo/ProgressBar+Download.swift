// Downloader's public API hands out ProgressBar, so Zoo's users get the type with Zoo.
@_exported import ProgressBars

extension ProgressBar {
  /// A download's bar: counts bytes, the total arriving with the first update.
  public convenience init(label: String, terminal: Bool? = nil, write: ((String) -> Void)? = nil) {
    self.init(label, unit: .bytes, terminal: terminal, write: write)
  }
}

import Foundation

extension FileHandle {
  /// Writes `text` as UTF-8 (progress and notes on stderr).
  func write(_ text: String) { write(Data(text.utf8)) }
}

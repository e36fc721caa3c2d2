import Corruptions

extension ResultsTable {
  /// A table's header and rows as printed: corruption columns named for people ("Gaussian
  /// noise") unless `canonicalNames` (CSV keeps `gaussian_noise` for programs), and with
  /// `transpose` one row per corruption and one column per model, which fits a page where
  /// fifteen corruption columns do not.
  static func arranged(header: [String], rows: [[String]], canonicalNames: Bool, transpose: Bool) -> (header: [String], rows: [[String]]) {
    let named = canonicalNames ? header : header.map(Corruption.label(forName:))
    guard transpose else { return (named, rows) }
    // Column 0 holds the row names ("Model"); it becomes the header.
    let newHeader = [""] + rows.map { $0[0] }
    let newRows = named.indices.dropFirst().map { j in [named[j]] + rows.map { $0.indices.contains(j) ? $0[j] : "" } }
    return (newHeader, newRows)
  }
}

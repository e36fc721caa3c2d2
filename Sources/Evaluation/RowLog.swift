import AtomicFiles
import Foundation

/// A shard's append-only row file (`rows.csv`), safe against a process killed at any moment.
///
/// * Opening reads the file (if any), keeps every line whose checksum matches, drops torn or
///   damaged lines and repeated keys (the first row of a key wins) and, when anything was dropped,
///   rewrites the file atomically (temporary file + rename) with just the good rows.
/// * `append` writes whole lines with one `write` call each batch; a kill mid-write leaves at
///   most one torn final line, which the next open drops. So rows are never lost once written
///   and never duplicated.
public final class RowLog {
  public let url: URL
  /// The good rows in file order.
  public private(set) var rows: [EvalRow] = []
  /// Keys present.
  public private(set) var keys: Set<RowKey> = []
  /// Lines dropped when opening (bad checksum, torn, malformed or duplicate).
  public let dropped: Int
  private let handle: FileHandle

  /// Opens (creating if needed) the row file at `url`.
  public init(url: URL) throws {
    self.url = url
    let fm = FileManager.default
    var dropped = 0
    if fm.fileExists(atPath: url.path) {
      let read = try RowLog.read(url)
      rows = read.rows
      keys = Set(rows.map(\.key))
      dropped = read.dropped
      if read.dropped > 0 || read.needsRepair {
        try RowLog.writeAtomically(rows, to: url)
      }
    } else {
      try RowLog.writeAtomically([], to: url)
    }
    self.dropped = dropped
    handle = try FileHandle(forWritingTo: url)
    try handle.seekToEnd()
  }

  deinit { try? handle.close() }

  /// Appends rows whose keys are new (others are ignored) in one write.
  public func append(_ new: [EvalRow]) throws {
    var text = ""
    for r in new where !keys.contains(r.key) {
      keys.insert(r.key)
      rows.append(r.canonical)
      text += r.line + "\n"
    }
    guard !text.isEmpty else { return }
    do throws(FileBytes.Failure) { try FileBytes.writeAll(Data(text.utf8), to: handle.fileDescriptor) } catch {
      throw EvaluationError.io("cannot write \(url.path): \(error.reason)\(Self.resumeNote)")
    }
  }

  /// Flushes written rows to disk.
  public func sync() throws {
    guard fsync(handle.fileDescriptor) == 0 else {
      throw EvaluationError.io("cannot write \(url.path): \(String(cString: strerror(errno)))\(Self.resumeNote)")
    }
  }

  /// Why a failed write leaves the folder as it is: an evaluate folder is resumable by design
  /// (the exception to "a failed run leaves nothing behind").
  public static let resumeNote = " (the evaluate --out folder is resumable: the rows written so far are kept; run again to continue)"

  /// Reads a row file: good rows in file order (first of each key), how many lines were dropped,
  /// and whether the file needs rewriting (a final line without newline).
  public static func read(_ url: URL) throws -> (rows: [EvalRow], dropped: Int, needsRepair: Bool) {
    let data: Data
    do { data = try Data(contentsOf: url) } catch {
      throw EvaluationError.io("cannot read \(url.path): \(error.localizedDescription)")
    }
    let text = String(decoding: data, as: UTF8.self)
    var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
    var needsRepair = false
    var dropped = 0
    // The part after the last newline is either empty or a torn line.
    if let last = lines.last {
      if !last.isEmpty {
        dropped += 1
        needsRepair = true
      }
      lines.removeLast()
    }
    // A file of the earlier form (no faithfulness or path columns) is rewritten in the current
    // form when opened.
    if let first = lines.first, first == EvalRow.headerWithoutPath { needsRepair = true }
    guard let first = lines.first, first == EvalRow.header || first == EvalRow.headerWithoutPath else {
      if lines.isEmpty { return ([], dropped, true) }
      throw EvaluationError.format("\(url.path): not a gradcam row file (first line is not the row header)")
    }
    var rows: [EvalRow] = []
    var seen = Set<RowKey>()
    for line in lines.dropFirst() {
      guard let r = EvalRow.parse(line), !seen.contains(r.key) else {
        dropped += 1
        continue
      }
      seen.insert(r.key)
      rows.append(r)
    }
    return (rows, dropped, needsRepair)
  }

  /// Writes a complete row file atomically.
  public static func writeAtomically(_ rows: [EvalRow], to url: URL) throws {
    try AtomicWrite.write(encoded(rows), to: url)
  }

  /// A complete row file's bytes.
  public static func encoded(_ rows: [EvalRow]) -> Data {
    var text = EvalRow.header + "\n"
    for r in rows { text += r.line + "\n" }
    return Data(text.utf8)
  }
}

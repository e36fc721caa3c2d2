// libFuzzer target: the Evaluation CSV readers -- shard row files (RowLog.read, EvalRow.parse
// with its per-line CRC), results.csv (ResultsFile.read, CSV.split) and baseline files.
import Foundation

private let path = FileManager.default.temporaryDirectory
  .appendingPathComponent("fuzz-eval-csv-\(getpid()).csv")

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzEvalCSV(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
  let data = count == 0 ? Data() : Data(bytes: start!, count: count)
  let text = String(decoding: data, as: UTF8.self)
  for line in text.split(separator: "\n") {
    if let row = EvalRow.parse(line) {
      // What parses must print back to a line that parses to the same row.
      precondition(EvalRow.parse(row.line) != nil, "row does not round-trip: \(line)")
    }
    _ = CSV.split(line)
  }
  guard (try? data.write(to: path)) != nil else { return 0 }
  _ = try? RowLog.read(path)
  _ = try? ResultsFile.read(path)
  _ = try? Baseline.read(path)
  return 0
}

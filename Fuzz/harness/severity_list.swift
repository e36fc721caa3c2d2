// libFuzzer target: `--severities` list parsing ("3", "1,2,5", "1-3", "all").
import Foundation

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSeverityList(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
  guard count <= 4096 else { return 0 }  // command-line sized
  let text = String(decoding: UnsafeBufferPointer(start: start, count: count), as: UTF8.self)
  do {
    let list = try Severity.parseList(text)
    precondition(!list.isEmpty && list.allSatisfy { (1...5).contains($0) } && Set(list).count == list.count)
  } catch {
    _ = String(describing: error)
  }
  return 0
}

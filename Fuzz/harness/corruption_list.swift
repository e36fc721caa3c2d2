// libFuzzer target: `--corruption` list parsing (names, all/benchmark/extra, suggestions).
import Foundation

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCorruptionList(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
  guard count <= 4096 else { return 0 }  // command-line sized
  let text = String(decoding: UnsafeBufferPointer(start: start, count: count), as: UTF8.self)
  do {
    let list = try Corruption.parseList(text)
    precondition(!list.isEmpty && Set(list).count == list.count)
  } catch {
    _ = String(describing: error)
  }
  return 0
}

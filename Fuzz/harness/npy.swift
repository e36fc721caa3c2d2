// libFuzzer target: the .npy reader (header dictionary, shape, dtype, payload size).
import Foundation

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzNPY(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
  let data = count == 0 ? Data() : Data(bytes: start!, count: count)
  if let array = try? NPYArray(data: data) {
    _ = array.shape.reduce(1, &*)
    _ = array.encoded()
  }
  return 0
}

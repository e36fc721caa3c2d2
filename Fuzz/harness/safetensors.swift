// libFuzzer target: safetensors header and layout validation, then a write/read round trip.
import Foundation

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSafeTensors(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
  let data = count == 0 ? Data() : Data(bytes: start!, count: count)
  guard let file = try? SafeTensors.decode(data) else { return 0 }
  let tensors = file.tensors.map { ($0.name, $0.tensor) }
  if let again = try? SafeTensors.encode(tensors) {
    // What we wrote must read back.
    precondition((try? SafeTensors.decode(again)) != nil, "re-encoded safetensors does not decode")
  }
  return 0
}

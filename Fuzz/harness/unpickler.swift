// libFuzzer target: the restricted unpickler, fed as a plain pickle and as a legacy
// (pre-1.6) torch.save stream (magic, protocol, sys_info, object pickle, storage keys, raw storages).
import Foundation

private let options = CheckpointLoadOptions()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzUnpickler(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
  let data = count == 0 ? Data() : Data(bytes: start!, count: count)
  if let value = try? PlainPickleReader.read(data, options: options, depth: 0) {
    _ = try? StateDict(from: value, normalization: .standard)
  }
  if let value = try? TorchLegacyReader.read(data, options: options, depth: 0) {
    _ = try? StateDict(from: value, normalization: .standard)
  }
  return 0
}

// libFuzzer target: the torch zip container (central directory, zip64, local headers, deflate,
// CRC, path checks) and everything behind it (data.pkl, storages, tensor views).
import Foundation

private let options = CheckpointLoadOptions()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTorchZip(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
  let data = count == 0 ? Data() : Data(bytes: start!, count: count)
  if let zip = try? ZipArchive(data: data, limits: options.limits) {
    for entry in zip.entries { _ = try? zip.read(entry) }
  }
  if let value = try? TorchZipReader.read(data, options: options, depth: 0) {
    _ = try? StateDict(from: value, normalization: .standard)
  }
  return 0
}

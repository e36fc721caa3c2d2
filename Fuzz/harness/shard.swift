// libFuzzer target: `--shard i/N` parsing and the images a shard selects.
import Foundation

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzShard(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
  guard count <= 256 else { return 0 }  // command-line sized
  let text = String(decoding: UnsafeBufferPointer(start: start, count: count), as: UTF8.self)
  if let shard = try? Shard(parsing: text) {
    precondition(shard.count >= 1 && (0..<shard.count).contains(shard.index))
    let images = shard.images(of: 1000)
    precondition(images.allSatisfy { $0 % shard.count == shard.index && $0 < 1000 })
  }
  return 0
}

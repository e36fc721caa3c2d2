import Foundation

/// Reads a plain `pickle.dump` of tensors: each storage arrives as
/// `torch.storage._load_from_bytes(<embedded legacy torch.save blob>)`, read by ``TorchLegacyReader``.
enum PlainPickleReader {
  static func read(_ input: Data, options: CheckpointLoadOptions, depth: Int) throws -> CheckpointValue {
    guard input.count <= options.limits.maxPickleBytes else {
      throw CheckpointError.limitExceeded("pickle of \(input.count) bytes exceeds the pickle limit")
    }
    let data = input.startIndex == 0 ? input : Data(input)
    let arena = PickleArena()
    defer { arena.teardown() }
    let calls = options.pickleCalls { blob in
      try TorchLegacyReader.readEmbedded(blob, options: options, depth: depth + 1, arena: arena)
    }
    let value: PickleValue = try data.withUnsafeBytes { bytes in
      var vm = PickleMachine(bytes: bytes, start: 0, calls: calls, limits: options.limits, arena: arena) { _ in
        throw CheckpointError.malformedPickle("persistent id in a plain pickle")
      }
      return try vm.run()
    }
    var converter = ValueConverter(limits: options.limits)
    return try converter.convert(value)
  }
}

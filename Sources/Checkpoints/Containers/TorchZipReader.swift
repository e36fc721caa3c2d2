import Foundation

/// Reads the PyTorch ≥ 1.6 zip format: `<prefix>/data.pkl` (the pickled object graph) plus
/// `<prefix>/data/<key>` storages (raw little-endian bytes; optional records such as `byteorder`
/// and `.format_version` may be absent). The prefix is not fixed (torch uses the file name minus
/// its extension, or `archive`): it is whatever folder holds `data.pkl`.
enum TorchZipReader {
  static func read(_ data: Data, options: CheckpointLoadOptions, depth: Int) throws -> CheckpointValue {
    let zip = try ZipArchive(data: data, limits: options.limits)
    let candidates = zip.entries.filter {
      $0.name.hasSuffix("/data.pkl") && $0.name.dropLast("/data.pkl".count).firstIndex(of: "/") == nil
    }
    guard let pkl = candidates.first else {
      throw CheckpointError.invalidZip("no '<prefix>/data.pkl' record (not a PyTorch checkpoint)")
    }
    guard candidates.count == 1 else {
      throw CheckpointError.invalidZip("\(candidates.count) data.pkl records; expected one")
    }
    let prefix = String(pkl.name.dropLast("data.pkl".count))
    if let order = zip.entry(named: prefix + "byteorder") {
      let text = String(decoding: try zip.read(order), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
      guard text == "little" else { throw CheckpointError.unsupported("byte order '\(text)' (only little-endian files are read)") }
    }
    guard pkl.uncompressedSize <= options.limits.maxPickleBytes else {
      throw CheckpointError.limitExceeded("data.pkl of \(pkl.uncompressedSize) bytes exceeds the pickle limit")
    }
    let pickle = try zip.read(pkl)
    let table = StorageTable(limits: options.limits)
    let arena = PickleArena()
    defer { arena.teardown() }
    let calls = options.pickleCalls { blob in
      try TorchLegacyReader.readEmbedded(blob, options: options, depth: depth + 1, arena: arena)
    }
    let value: PickleValue = try pickle.withUnsafeBytes { bytes in
      var vm = PickleMachine(bytes: bytes, start: 0, calls: calls, limits: options.limits, arena: arena) { pid in
        let v = try table.resolve(pid)
        if case .storage(let s) = v, s.bytes == nil {
          let name = prefix + "data/" + s.key
          guard let entry = zip.entry(named: name) else {
            throw CheckpointError.invalidZip("missing entry '\(name)' for storage '\(s.key)'")
          }
          let expected = s.numel * s.dtype.byteCount
          guard entry.uncompressedSize == expected else {
            throw CheckpointError.invalidTensor(
              "storage '\(s.key)' has \(entry.uncompressedSize) bytes, expected \(expected) (\(s.numel) \(s.dtype.rawValue) elements)")
          }
          s.bytes = try zip.read(entry)
        }
        return v
      }
      return try vm.run()
    }
    var converter = ValueConverter(limits: options.limits)
    return try converter.convert(value)
  }
}

import Foundation

/// Reads the legacy (pre-1.6 / `_use_new_zipfile_serialization=False`) torch.save format:
/// five pickles (magic number, protocol version 1001, sys_info, the object, the storage key
/// list) followed by one `int64 count + raw bytes` record per key, in key-list order.
enum TorchLegacyReader {
  /// 0x1950A86A20F9469CFC6C as LONG1 little-endian bytes.
  static let magic: [UInt8] = [0x6C, 0xFC, 0x9C, 0x46, 0xF9, 0x20, 0x6A, 0xA8, 0x50, 0x19]

  /// True if `data` begins with the legacy magic-number pickle (PROTO n, optional FRAME, LONG1 10).
  static func hasMagic(_ data: Data) -> Bool {
    let b = [UInt8](data.prefix(32))
    guard b.count >= 14, b[0] == 0x80 else { return false }
    var p = 2
    if b[p] == 0x95 { p += 9 }
    guard p + 12 <= b.count, b[p] == 0x8A, b[p + 1] == 0x0A else { return false }
    return Array(b[(p + 2)..<(p + 12)]) == magic
  }

  static func read(_ data: Data, options: CheckpointLoadOptions, depth: Int) throws -> CheckpointValue {
    let arena = PickleArena()
    defer { arena.teardown() }
    let value = try readValue(data, options: options, depth: depth, arena: arena)
    var converter = ValueConverter(limits: options.limits)
    return try converter.convert(value)
  }

  /// `torch.storage._load_from_bytes`: an embedded legacy blob, usually holding one storage.
  static func readEmbedded(_ blob: Data, options: CheckpointLoadOptions, depth: Int, arena: PickleArena) throws
    -> PickleValue
  {
    guard depth <= options.limits.maxEmbeddedDepth else {
      throw CheckpointError.limitExceeded("embedded torch.save blobs nested deeper than \(options.limits.maxEmbeddedDepth)")
    }
    guard hasMagic(blob) else { throw CheckpointError.invalidLegacy("embedded blob lacks the legacy magic number") }
    return try readValue(blob, options: options, depth: depth, arena: arena)
  }

  private static func readValue(_ input: Data, options: CheckpointLoadOptions, depth: Int, arena: PickleArena) throws
    -> PickleValue
  {
    let data = input.startIndex == 0 ? input : Data(input)
    let table = StorageTable(limits: options.limits)
    let calls = options.pickleCalls { blob in
      try readEmbedded(blob, options: options, depth: depth + 1, arena: arena)
    }
    let noPersistentIds: PickleMachine.PersistentLoad = { _ in
      throw CheckpointError.invalidLegacy("persistent id inside a header pickle")
    }
    let (object, keys, dataStart): (PickleValue, [String], Int) = try data.withUnsafeBytes { bytes in
      func next(_ start: Int, _ load: @escaping PickleMachine.PersistentLoad) throws -> (PickleValue, Int) {
        var vm = PickleMachine(bytes: bytes, start: start, calls: calls, limits: options.limits, arena: arena, persistentLoad: load)
        let v = try vm.run()
        return (v, vm.position)
      }
      let (magicValue, p1) = try next(0, noPersistentIds)
      guard case .bigInt(let m) = magicValue, m == magic else {
        throw CheckpointError.invalidLegacy("bad magic number")
      }
      let (proto, p2) = try next(p1, noPersistentIds)
      guard case .int(1001) = proto else { throw CheckpointError.invalidLegacy("protocol version is not 1001") }
      let (sysInfo, p3) = try next(p2, noPersistentIds)
      if case .dict(let d) = sysInfo, let i = d.keys.firstIndex(where: { PickleDict.keyString($0) == "little_endian" }),
         case .bool(false) = d.values[i] {
        throw CheckpointError.unsupported("big-endian legacy checkpoint")
      }
      let (object, p4) = try next(p3, { try table.resolve($0) })
      let (keyList, p5) = try next(p4, noPersistentIds)
      let items: [PickleValue]
      switch keyList {
      case .list(let l): items = l.items
      case .tuple(let t, _): items = t
      default: throw CheckpointError.invalidLegacy("storage key list is a \(keyList.kind)")
      }
      let keys = try items.map { item -> String in
        guard case .string(let s) = item else { throw CheckpointError.invalidLegacy("storage key is a \(item.kind)") }
        return s
      }
      return (object, keys, p5)
    }
    var p = dataStart
    for key in keys {
      guard let storage = table.storages[key] else {
        throw CheckpointError.invalidLegacy("storage '\(key)' is listed but never referenced")
      }
      guard p + 8 <= data.count else {
        throw CheckpointError.truncated("record header of storage '\(key)' at offset \(p) is past the end of the file")
      }
      let count = data[p..<(p + 8)].reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
      p += 8
      guard count == UInt64(storage.numel) else {
        throw CheckpointError.invalidLegacy("storage '\(key)' record holds \(count) elements, the pickle says \(storage.numel)")
      }
      let bytes = storage.numel * storage.dtype.byteCount
      guard bytes <= data.count - p else {
        throw CheckpointError.truncated(
          "storage '\(key)' needs \(bytes) bytes at offset \(p), the file has \(data.count - p) left")
      }
      storage.bytes = data[p..<(p + bytes)]
      p += bytes
    }
    if let missing = table.order.first(where: { table.storages[$0]?.bytes == nil }) {
      throw CheckpointError.invalidLegacy("storage '\(missing)' is referenced but missing from the storage list")
    }
    guard p == data.count else {
      throw CheckpointError.invalidLegacy("\(data.count - p) trailing bytes after the last storage")
    }
    return object
  }
}

import Checksums
import Foundation

/// A minimal, defensive reader for the zip container of `torch.save`.
///
/// **Why our own reader instead of a zip library:** a checkpoint is read whole from memory
/// (usually memory-mapped), and we need exact control over what is trusted:
/// * sizes and offsets come from the central directory (torch leaves CRC and sizes 0 in local
///   headers and uses data descriptors), including the zip64 EOCD record torch always writes;
/// * the data start is taken from the *local* header (torch pads the local extra field so
///   every record starts on a 64-byte boundary) and stored entries are returned as zero-copy
///   slices of the mapped file;
/// * every entry name is checked for path traversal (`..`, absolute paths, backslashes, NUL),
///   every declared size against ``CheckpointLimits``, deflated entries against a maximum
///   compression ratio, entry data ranges for overlap, and CRC-32 for every entry.
///
/// zlib does the rest: raw-deflate decoding (``RawInflate``, output capped at the declared
/// uncompressed size, so a zip bomb that lies about its sizes stops after at most
/// `maxEntryBytes` of output) and CRC-32 (``CRC32`` in Checksums).
struct ZipArchive {
  struct Entry {
    let name: String
    let method: UInt16
    let crc32: UInt32
    let compressedSize: Int
    let uncompressedSize: Int
    let localHeaderOffset: Int
    var dataOffset: Int = 0
  }

  let data: Data
  let limits: CheckpointLimits
  private(set) var entries: [Entry] = []
  private var byName: [String: Int] = [:]

  init(data: Data, limits: CheckpointLimits) throws {
    self.data = data.startIndex == 0 ? data : Data(data)
    self.limits = limits
    let (cdOffset, cdSize, count, cdEnd) = try locateCentralDirectory()
    guard count <= cdSize / 46 + 1 else { throw CheckpointError.invalidZip("central directory claims \(count) entries in \(cdSize) bytes") }
    var p = cdOffset
    for _ in 0..<count {
      let entry = try readCentralEntry(at: &p, end: cdOffset + cdSize)
      guard byName[entry.name] == nil else { throw CheckpointError.invalidZip("duplicate entry '\(entry.name)'") }
      byName[entry.name] = entries.count
      entries.append(entry)
    }
    try resolveDataOffsets(limit: min(cdOffset, cdEnd))
  }

  func entry(named name: String) -> Entry? { byName[name].map { entries[$0] } }

  /// The uncompressed bytes of `entry` (a zero-copy slice for stored entries), CRC-checked.
  func read(_ entry: Entry) throws -> Data {
    let start = entry.dataOffset
    let end = start + entry.compressedSize
    let raw = data[start..<end]
    switch entry.method {
    case 0:
      guard CRC32.checksum(raw) == entry.crc32 else {
        throw CheckpointError.invalidZip("CRC-32 mismatch in entry '\(entry.name)'")
      }
      return raw
    default:
      let out = try RawInflate.inflate(raw, declared: entry.uncompressedSize, entry: entry.name)
      guard CRC32.checksum(out) == entry.crc32 else { throw CheckpointError.invalidZip("CRC-32 mismatch in entry '\(entry.name)'") }
      return out
    }
  }

  // MARK: - Parsing

  private func u16(_ o: Int) throws -> Int {
    guard o >= 0, o + 2 <= data.count else { throw CheckpointError.truncated("zip record at offset \(o) runs past the end") }
    return Int(data[o]) | Int(data[o + 1]) << 8
  }

  private func u32(_ o: Int) throws -> Int {
    let lo = try u16(o), hi = try u16(o + 2)
    return lo | hi << 16
  }

  private func u64(_ o: Int) throws -> Int {
    let lo = try u32(o), hi = try u32(o + 4)
    guard hi < 0x8000_0000 else { throw CheckpointError.invalidZip("64-bit field at offset \(o) is out of range") }
    return lo | hi << 32
  }

  /// Finds the (zip64) end of central directory: (cd offset, cd size, entry count, eocd position).
  private func locateCentralDirectory() throws -> (Int, Int, Int, Int) {
    guard data.count >= 22 else {
      throw CheckpointError.invalidZip("file of \(data.count) bytes is too short for a zip archive (truncated?)")
    }
    var eocd = -1
    var p = data.count - 22
    let lowest = max(0, data.count - 22 - 65_535)
    while p >= lowest {
      if data[p] == 0x50, data[p + 1] == 0x4B, data[p + 2] == 0x05, data[p + 3] == 0x06 { eocd = p; break }
      p -= 1
    }
    guard eocd >= 0 else {
      throw CheckpointError.invalidZip("end of central directory not found (truncated or not a zip)")
    }
    var count = try u16(eocd + 10)
    var cdSize = try u32(eocd + 12)
    var cdOffset = try u32(eocd + 16)
    var recordsStart = eocd
    let locator = eocd - 20
    if locator >= 0, try u32(locator) == 0x0706_4B50 {
      let z64 = try u64(locator + 8)
      guard z64 >= 0, z64 <= locator - 56, try u32(z64) == 0x0606_4B50 else {  // no z64 + 56: z64 may be near Int.max
        throw CheckpointError.invalidZip("zip64 end of central directory record not found")
      }
      count = try u64(z64 + 32)
      cdSize = try u64(z64 + 40)
      cdOffset = try u64(z64 + 48)
      recordsStart = z64
    } else if count == 0xFFFF || cdSize == 0xFFFF_FFFF || cdOffset == 0xFFFF_FFFF {
      throw CheckpointError.invalidZip("zip64 fields without a zip64 locator")
    }
    guard cdOffset <= recordsStart, cdSize <= recordsStart - cdOffset else {
      throw CheckpointError.invalidZip("central directory (offset \(cdOffset), size \(cdSize)) lies outside the file")
    }
    return (cdOffset, cdSize, count, recordsStart)
  }

  private func readCentralEntry(at p: inout Int, end: Int) throws -> Entry {
    guard p + 46 <= end, try u32(p) == 0x0201_4B50 else {
      throw CheckpointError.invalidZip("bad central directory record at offset \(p)")
    }
    let flags = try u16(p + 8)
    let method = try u16(p + 10)
    let crc = try u32(p + 16)
    var compressed = try u32(p + 20)
    var uncompressed = try u32(p + 24)
    let nameLength = try u16(p + 28), extraLength = try u16(p + 30), commentLength = try u16(p + 32)
    var localOffset = try u32(p + 42)
    let nameStart = p + 46
    guard nameStart + nameLength + extraLength + commentLength <= end else {
      throw CheckpointError.invalidZip("central directory record at offset \(p) runs past its end")
    }
    let name = String(decoding: data[nameStart..<(nameStart + nameLength)], as: UTF8.self)
    // zip64 extended information: present fields replace the 0xFFFFFFFF placeholders, in order.
    var e = nameStart + nameLength
    let extraEnd = e + extraLength
    while e + 4 <= extraEnd {
      let id = try u16(e), size = try u16(e + 2)
      if id == 0x0001 {
        var q = e + 4
        if uncompressed == 0xFFFF_FFFF { uncompressed = try u64(q); q += 8 }
        if compressed == 0xFFFF_FFFF { compressed = try u64(q); q += 8 }
        if localOffset == 0xFFFF_FFFF { localOffset = try u64(q); q += 8 }
        guard q <= e + 4 + size else { throw CheckpointError.invalidZip("truncated zip64 extra field in '\(name)'") }
      }
      e += 4 + size
    }
    p = extraEnd + commentLength
    try Self.checkPath(name)
    guard compressed <= data.count, localOffset <= data.count else {
      throw CheckpointError.invalidZip("entry '\(name)' points past the end of the file (truncated?)")
    }
    guard flags & 1 == 0 else { throw CheckpointError.unsupported("encrypted zip entry '\(name)'") }
    guard method == 0 || method == 8 else {
      throw CheckpointError.unsupported("zip entry '\(name)' uses compression method \(method)")
    }
    guard uncompressed <= limits.maxEntryBytes else {
      throw CheckpointError.limitExceeded(
        "zip entry '\(name)' declares \(uncompressed) bytes, which exceeds the limit of \(limits.maxEntryBytes)")
    }
    if method == 0, compressed != uncompressed {
      throw CheckpointError.invalidZip("stored entry '\(name)' has different compressed and uncompressed sizes")
    }
    if method == 8, uncompressed >= limits.compressionRatioThreshold,
       uncompressed > max(compressed, 1) * limits.maxCompressionRatio {
      throw CheckpointError.limitExceeded(
        "zip entry '\(name)': compression ratio \(uncompressed / max(compressed, 1)):1 exceeds the limit of \(limits.maxCompressionRatio):1 (zip bomb?)")
    }
    return Entry(name: name, method: UInt16(method), crc32: UInt32(crc), compressedSize: compressed,
                 uncompressedSize: uncompressed, localHeaderOffset: localOffset)
  }

  /// Refuses names that could escape an extraction directory or alias other entries.
  static func checkPath(_ name: String) throws {
    let components = name.split(separator: "/", omittingEmptySubsequences: false)
    let bad = name.isEmpty || name.hasPrefix("/") || name.contains("\\") || name.contains("\0")
      || components.contains(where: { $0 == ".." || $0 == "." })
      || (name.count >= 2 && name.dropFirst().first == ":")
    if bad {
      throw CheckpointError.invalidZip("entry path '\(name)' is unsafe (path traversal refused)")
    }
  }

  /// Reads each local header for the real data start and checks that data ranges do not overlap.
  private mutating func resolveDataOffsets(limit: Int) throws {
    for i in entries.indices {
      let o = entries[i].localHeaderOffset
      guard o <= limit - 30, try u32(o) == 0x0403_4B50 else {
        throw CheckpointError.invalidZip("bad local header for '\(entries[i].name)' at offset \(o)")
      }
      let localNameLength = try u16(o + 26)
      let start = o + 30 + localNameLength + (try u16(o + 28))
      guard o + 30 + localNameLength <= limit,
            data[(o + 30)..<(o + 30 + localNameLength)].elementsEqual(entries[i].name.utf8) else {
        throw CheckpointError.invalidZip("local header name differs from central directory entry '\(entries[i].name)'")
      }
      guard start + entries[i].compressedSize <= limit else {
        throw CheckpointError.invalidZip("data of '\(entries[i].name)' runs past the end of the archive data (truncated?)")
      }
      entries[i].dataOffset = start
    }
    let sorted = entries.sorted { $0.localHeaderOffset < $1.localHeaderOffset }
    for (a, b) in zip(sorted, sorted.dropFirst()) where a.dataOffset + a.compressedSize > b.localHeaderOffset {
      throw CheckpointError.invalidZip("entries '\(a.name)' and '\(b.name)' overlap")
    }
  }
}

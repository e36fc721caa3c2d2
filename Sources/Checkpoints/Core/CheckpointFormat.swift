import Foundation

/// Container formats recognised from a file's first bytes (never from its extension).
public enum CheckpointFormat: String, Sendable, CaseIterable {
  /// PyTorch ≥ 1.6 zip (`PK\x03\x04`).
  case torchZip
  /// Legacy torch.save: a pickle holding the magic number 0x1950A86A20F9469CFC6C first.
  case torchLegacy
  /// A plain `pickle.dump` (protocol 2-5) of tensors.
  case pickle
  /// safetensors: u64 LE header length, then a JSON object.
  case safeTensors

  /// The format of `data` (the whole file, or at least its first 32 bytes), or nil if unknown.
  ///
  /// A safetensors header length whose low bytes read `80 02..05` looks like a pickle PROTO;
  /// such files are told apart by the `{` at byte 8 plus a header length that fits the data.
  public static func detect(_ data: Data) -> CheckpointFormat? {
    let b = [UInt8](data.prefix(32))
    if b.count >= 4, b[0] == 0x50, b[1] == 0x4B, (b[2], b[3]) == (0x03, 0x04) || (b[2], b[3]) == (0x05, 0x06) {
      return .torchZip
    }
    let jsonAt8 = b.count >= 9 && b[8] == UInt8(ascii: "{")
    let looksLikePickle = b.count >= 2 && b[0] == 0x80 && (2...5).contains(b[1])
    if jsonAt8 {
      let n = b[0..<8].reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
      if !looksLikePickle || n <= UInt64(data.count - 8) { return .safeTensors }
    }
    if looksLikePickle { return TorchLegacyReader.hasMagic(data) ? .torchLegacy : .pickle }
    return jsonAt8 ? .safeTensors : nil
  }
}

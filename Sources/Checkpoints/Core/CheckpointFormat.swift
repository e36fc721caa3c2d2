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

  /// The format of `head` (the first bytes of a file; 32 are enough), or nil if unknown.
  public static func detect(_ head: Data) -> CheckpointFormat? {
    let b = [UInt8](head.prefix(32))
    if b.count >= 4, b[0] == 0x50, b[1] == 0x4B, (b[2], b[3]) == (0x03, 0x04) || (b[2], b[3]) == (0x05, 0x06) {
      return .torchZip
    }
    if b.count >= 9, b[8] == UInt8(ascii: "{") { return .safeTensors }
    if b.count >= 2, b[0] == 0x80, (2...5).contains(b[1]) {
      return TorchLegacyReader.hasMagic(head) ? .torchLegacy : .pickle
    }
    return nil
  }
}

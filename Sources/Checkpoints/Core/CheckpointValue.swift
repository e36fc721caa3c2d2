import Foundation

/// The object graph of a loaded checkpoint, reduced to plain data.
///
/// Python dicts and OrderedDicts become ``dict(_:)`` (insertion order kept; non-string keys
/// rendered as text), lists/tuples/sets become ``list(_:)``, tensors are materialised, and
/// numpy scalars become ints/doubles/bools, and objects of other accepted-but-uninterpreted
/// classes (`argparse.Namespace`, mmengine objects, ...) become ``opaque(_:)`` carrying only
/// their class name.
public indirect enum CheckpointValue: Sendable {
  case none
  case bool(Bool)
  case int(Int)
  /// An integer wider than 64 bits, as decimal-free little-endian two's-complement bytes.
  case bigInt([UInt8])
  case double(Double)
  case string(String)
  case bytes(Data)
  case list([CheckpointValue])
  case dict([(key: String, value: CheckpointValue)])
  case tensor(CheckpointTensor)
  /// An object of an accepted class that is not interpreted, e.g. `argparse.Namespace`.
  case opaque(String)

  /// The value for `key` if this is a dict.
  public subscript(key: String) -> CheckpointValue? {
    guard case .dict(let entries) = self else { return nil }
    return entries.first(where: { $0.key == key })?.value
  }

  /// The keys if this is a dict, else empty.
  public var keys: [String] {
    guard case .dict(let entries) = self else { return [] }
    return entries.map(\.key)
  }

  /// The tensor if this is one.
  public var tensor: CheckpointTensor? {
    if case .tensor(let t) = self { return t }
    return nil
  }
}

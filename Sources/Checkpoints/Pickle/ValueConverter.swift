import Foundation

/// Turns the VM's object graph into a ``CheckpointValue``, materialising every tensor view.
///
/// Guards against hostile graphs: memo cycles and exponential sharing are cut by a depth and
/// node budget.
struct ValueConverter {
  let limits: CheckpointLimits
  var maxDepth = 64
  var nodeBudget = 1_000_000  // 10 M let a 286-byte memo bomb take 30 s and 650 MB

  mutating func convert(_ v: PickleValue, depth: Int = 0) throws -> CheckpointValue {
    guard depth <= maxDepth else { throw CheckpointError.limitExceeded("object graph nested deeper than \(maxDepth)") }
    nodeBudget -= 1
    guard nodeBudget > 0 else { throw CheckpointError.limitExceeded("object graph has too many nodes") }
    switch v {
    case .none: return .none
    case .bool(let b): return .bool(b)
    case .int(let i): return .int(i)
    case .bigInt(let b): return .bigInt(b)
    case .float(let d): return .double(d)
    case .string(let s): return .string(s)
    case .bytes(let b): return .bytes(b)
    case .tuple(let items, _): return .list(try items.map { try convert($0, depth: depth + 1) })
    case .list(let l): return .list(try l.items.map { try convert($0, depth: depth + 1) })
    case .dict(let d):
      var entries: [(key: String, value: CheckpointValue)] = []
      entries.reserveCapacity(d.count)
      for (k, value) in zip(d.keys, d.values) {
        entries.append((PickleDict.keyString(k), try convert(value, depth: depth + 1)))
      }
      return .dict(entries)
    case .global(let g): return .opaque(g.qualifiedName)
    case .stub(let s): return NumpyScalar.decode(s) ?? .opaque(s.global.qualifiedName)
    case .storage(let s): return .opaque("storage \(s.key)")
    case .dtype(let dt): return .string(dt.rawValue)
    case .tensor(let t): return .tensor(try Self.materialize(t, limits: limits))
    }
  }

  static func materialize(_ t: TensorRef, limits: CheckpointLimits) throws -> CheckpointTensor {
    let what = "tensor on storage '\(t.storage.key)'"
    guard let bytes = t.storage.bytes else {
      throw CheckpointError.invalidTensor("\(what): storage data was never loaded")
    }
    let elementSize = t.dtype.byteCount
    let storageElements: Int
    if t.storage.isUntyped {
      storageElements = t.storage.numel / elementSize
    } else {
      guard t.storage.dtype == t.dtype else {
        throw CheckpointError.invalidTensor("\(what): dtype \(t.dtype.rawValue) differs from storage dtype \(t.storage.dtype.rawValue)")
      }
      storageElements = t.storage.numel
    }
    let data = try TensorLayout.materialize(
      storage: bytes, storageElements: storageElements, elementSize: elementSize, shape: t.shape,
      strides: t.strides, offset: t.offset, limits: limits, what: what)
    return CheckpointTensor(unchecked: t.shape, dtype: t.dtype, data: data)
  }
}

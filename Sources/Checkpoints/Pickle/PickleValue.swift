import Foundation

/// A value on the restricted pickle VM's stack. Lists, dicts and stubs are reference types
/// because the memo shares them and APPEND/SETITEM/BUILD mutate them in place.
indirect enum PickleValue {
  case none
  case bool(Bool)
  case int(Int)
  /// An integer wider than 64 bits: little-endian two's-complement bytes (LONG1/LONG4).
  case bigInt([UInt8])
  case float(Double)
  case string(String)
  case bytes(Data)
  /// An immutable tuple; `depth` counts directly nested tuples (bounded, see ``makeTuple(_:)``).
  case tuple([PickleValue], depth: Int)
  case list(PickleList)
  case dict(PickleDict)
  /// An allow-listed global, by name. Never imported; only dispatched on by name.
  case global(PickleGlobal)
  /// An instance of a class that is accepted but not understood (numpy scalar, Namespace, ...).
  case stub(PickleStub)
  case storage(StorageRef)
  case tensor(TensorRef)
  case dtype(CheckpointDType)

  /// Deepest tuple nesting accepted. Tuples are value types, so their teardown recurses; this
  /// bound keeps that recursion shallow (lists, dicts and stubs are torn down iteratively by
  /// ``PickleArena``).
  static let maxTupleDepth = 256

  /// A tuple value, refusing nesting beyond ``maxTupleDepth``.
  static func makeTuple(_ items: [PickleValue]) throws -> PickleValue {
    var depth = 0
    for item in items { if case .tuple(_, let d) = item { depth = max(depth, d) } }
    guard depth < maxTupleDepth else {
      throw CheckpointError.limitExceeded("pickle tuples nested deeper than \(maxTupleDepth)")
    }
    return .tuple(items, depth: depth + 1)
  }

  /// A short type name for error messages.
  var kind: String {
    switch self {
    case .none: return "None"
    case .bool: return "bool"
    case .int, .bigInt: return "int"
    case .float: return "float"
    case .string: return "str"
    case .bytes: return "bytes"
    case .tuple: return "tuple"
    case .list: return "list"
    case .dict: return "dict"
    case .global(let g): return "global \(g.qualifiedName)"
    case .stub(let s): return "\(s.global.qualifiedName) object"
    case .storage: return "storage"
    case .tensor: return "tensor"
    case .dtype: return "dtype"
    }
  }
}

/// Mutable list (also used for sets).
final class PickleList {
  var items: [PickleValue]
  init(_ items: [PickleValue] = []) { self.items = items }
}

/// Insertion-ordered dictionary keyed by strings, ints or other hashable renderings.
final class PickleDict {
  private(set) var keys: [PickleValue] = []
  private(set) var values: [PickleValue] = []
  private var index: [String: Int] = [:]

  /// Sets `value` for `key`, keeping the first insertion position (Python dict semantics).
  func set(_ key: PickleValue, _ value: PickleValue) {
    let k = PickleDict.hashKey(key)
    if let i = index[k] {
      values[i] = value
    } else {
      index[k] = keys.count
      keys.append(key)
      values.append(value)
    }
  }

  var count: Int { keys.count }

  func removeAll() {
    keys = []
    values = []
    index = [:]
  }

  /// The dictionary key rendered as a string (string keys verbatim, ints in decimal).
  static func keyString(_ key: PickleValue) -> String {
    switch key {
    case .string(let s): return s
    case .int(let i): return String(i)
    case .bool(let b): return b ? "True" : "False"
    case .float(let d): return String(d)
    case .none: return "None"
    default: return "<\(key.kind)>"
    }
  }

  private static func hashKey(_ key: PickleValue) -> String {
    switch key {
    case .string(let s): return "s" + s
    case .int(let i): return "i\(i)"
    default: return "o" + keyString(key)
    }
  }
}

/// A `module.name` pair from GLOBAL or STACK_GLOBAL that passed the allow-list.
struct PickleGlobal: Equatable {
  let module: String
  let name: String
  var qualifiedName: String { "\(module).\(name)" }
}

/// An object of an accepted but uninterpreted class; keeps its arguments and BUILD state.
final class PickleStub {
  let global: PickleGlobal
  var args: PickleValue
  var state: PickleValue?
  init(_ global: PickleGlobal, args: PickleValue) {
    self.global = global
    self.args = args
  }
}

/// A storage referenced by a persistent id. Its bytes are attached by the container reader.
final class StorageRef {
  let key: String
  /// Element type; `.uint8` for untyped storages.
  let dtype: CheckpointDType
  /// Element count (byte count for untyped storages).
  let numel: Int
  let isUntyped: Bool
  var bytes: Data?
  init(key: String, dtype: CheckpointDType, numel: Int, isUntyped: Bool) {
    self.key = key
    self.dtype = dtype
    self.numel = numel
    self.isUntyped = isUntyped
  }
}

/// A tensor view rebuilt by `_rebuild_tensor*`: materialised once all storages are loaded.
struct TensorRef {
  let storage: StorageRef
  let offset: Int
  let shape: [Int]
  let strides: [Int]
  let dtype: CheckpointDType
}

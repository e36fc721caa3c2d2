import Foundation

/// The per-file `key -> storage` cache filled from BINPERSID persistent ids.
///
/// Zip files use `('storage', StorageClass, key, location, numel)`; legacy files add a sixth
/// `view_metadata` field that must be None. Several tensors may share one key.
final class StorageTable {
  private(set) var storages: [String: StorageRef] = [:]
  /// Keys in order of first appearance.
  private(set) var order: [String] = []
  let limits: CheckpointLimits

  init(limits: CheckpointLimits) { self.limits = limits }

  func resolve(_ pid: PickleValue) throws -> PickleValue {
    guard case .tuple(let f, _) = pid, let tag = f.first else {
      throw CheckpointError.malformedPickle("persistent id is a \(pid.kind), not a tuple")
    }
    if case .string("module") = tag {
      throw CheckpointError.unsupported(
        "persistent id ('module', ...) is a pickled nn.Module; only state dicts and tensors are supported")
    }
    guard case .string("storage") = tag, f.count == 5 || f.count == 6 else {
      throw CheckpointError.malformedPickle("unrecognised persistent id with \(f.count) fields")
    }
    guard case .global(let cls) = f[1] else {
      throw CheckpointError.malformedPickle("storage class in persistent id is a \(f[1].kind)")
    }
    let key: String
    switch f[2] {
    case .string(let s): key = s
    case .int(let i): key = String(i)
    default: throw CheckpointError.malformedPickle("storage key is a \(f[2].kind)")
    }
    guard case .int(let numel) = f[4], numel >= 0 else {
      throw CheckpointError.invalidTensor("storage '\(key)': element count \(f[4].kind) is negative or too large")
    }
    if f.count == 6, case .none = f[5] {} else if f.count == 6 {
      throw CheckpointError.unsupported("storage '\(key)' carries pre-1.0 view metadata")
    }
    let dtype: CheckpointDType
    let untyped: Bool
    switch try GlobalAllowList.resolve(module: cls.module, name: cls.name, extraOpaque: []) {
    case .typedStorage(let dt): dtype = dt; untyped = false
    case .untypedStorage: dtype = .uint8; untyped = true
    default: throw CheckpointError.unsupported("storage class \(cls.qualifiedName)")
    }
    let (bytes, overflow) = numel.multipliedReportingOverflow(by: dtype.byteCount)
    if overflow || bytes > limits.maxTensorBytes {
      throw CheckpointError.limitExceeded("storage '\(key)' of \(numel) \(dtype.rawValue) elements is too large")
    }
    if let existing = storages[key] {
      guard existing.dtype == dtype, existing.numel == numel else {
        throw CheckpointError.invalidTensor("storage '\(key)' is declared twice with different types or sizes")
      }
      return .storage(existing)
    }
    let ref = StorageRef(key: key, dtype: dtype, numel: numel, isUntyped: untyped)
    storages[key] = ref
    order.append(key)
    return .storage(ref)
  }
}

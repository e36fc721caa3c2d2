import Foundation

/// Name-based dispatch for GLOBAL, REDUCE/NEWOBJ and BUILD in the restricted unpickler.
///
/// Only torch's rebuild functions (`torch._utils._rebuild_tensor_v2`/`_v3`/`_rebuild_tensor`,
/// `_rebuild_parameter[_with_state]`, `torch._tensor._rebuild_from_type_v2`) and the other
/// understood GLOBALs of ``GlobalAllowList`` are "called", and only by re-implementing their
/// effect on plain values: rebuilding a tensor view, an empty/filled ordered dict, latin-1
/// bytes, or an embedded legacy blob. Opaque classes yield inert ``PickleStub``s.
struct PickleCalls {
  /// Extra `module.name` classes to accept as opaque stubs.
  let extraOpaque: Set<String>
  /// Accept any other non-forbidden plain class as an opaque stub.
  var opaqueUnknown = false
  /// Parses an embedded legacy torch.save blob (`torch.storage._load_from_bytes`).
  let loadFromBytes: (Data) throws -> PickleValue

  func global(module: String, name: String) throws -> PickleValue {
    _ = try GlobalAllowList.resolve(module: module, name: name, extraOpaque: extraOpaque, opaqueUnknown: opaqueUnknown)
    return .global(PickleGlobal(module: module, name: name))
  }

  func call(_ callable: PickleValue, args: PickleValue, opcode: String) throws -> PickleValue {
    guard case .global(let g) = callable else {
      throw CheckpointError.malformedPickle("\(opcode) target is not callable (\(callable.kind))")
    }
    let kind = try GlobalAllowList.resolve(
      module: g.module, name: g.name, extraOpaque: extraOpaque, opaqueUnknown: opaqueUnknown)
    let a = try tupleItems(args, g)
    switch kind {
    case .orderedDict:
      let d = PickleDict()
      if let first = a.first {
        for pair in try iterable(first, g) {
          guard case .tuple(let kv, _) = pair, kv.count == 2 else {
            throw CheckpointError.malformedPickle("\(g.qualifiedName) expects (key, value) pairs")
          }
          d.set(kv[0], kv[1])
        }
      }
      return .dict(d)
    case .rebuildTensor:
      return .tensor(try rebuild(a, g, minArgs: 4, dtypeIndex: nil))
    case .rebuildTensorV2:
      return .tensor(try rebuild(a, g, minArgs: 6, dtypeIndex: nil))
    case .rebuildTensorV3:
      return .tensor(try rebuild(a, g, minArgs: 7, dtypeIndex: 6))
    case .rebuildParameter, .rebuildParameterWithState:
      guard let t = a.first, case .tensor = t else {
        throw CheckpointError.malformedPickle("\(g.qualifiedName) expects a tensor")
      }
      return t
    case .rebuildFromTypeV2:
      guard a.count >= 3 else { throw CheckpointError.malformedPickle("\(g.qualifiedName) expects 4 arguments") }
      return try call(a[0], args: a[2], opcode: opcode)
    case .codecsEncode:
      guard case .string(let s) = a.first else {
        throw CheckpointError.malformedPickle("_codecs.encode expects a string")
      }
      var encoding = "utf-8"
      if a.count > 1, case .string(let e) = a[1] { encoding = e.lowercased() }
      switch encoding {
      case "latin1", "latin-1", "iso-8859-1":
        var out = Data()
        for scalar in s.unicodeScalars {
          guard scalar.value < 256 else { throw CheckpointError.malformedPickle("_codecs.encode: non-latin-1 text") }
          out.append(UInt8(scalar.value))
        }
        return .bytes(out)
      case "utf-8", "utf8": return .bytes(Data(s.utf8))
      default: throw CheckpointError.unsupported("_codecs.encode with encoding '\(encoding)'")
      }
    case .loadFromBytes:
      guard case .bytes(let blob) = a.first else {
        throw CheckpointError.malformedPickle("torch.storage._load_from_bytes expects bytes")
      }
      return try loadFromBytes(blob)
    case .set, .frozenset:
      return .list(PickleList(try a.first.map { try iterable($0, g) } ?? []))
    case .bytearray:
      if case .bytes(let b) = a.first { return .bytes(b) }
      return .bytes(Data())
    case .torchSize:
      return try PickleValue.makeTuple(try a.first.map { try iterable($0, g) } ?? [])
    case .torchDevice:
      return a.first ?? .none
    case .opaque:
      return .stub(PickleStub(g, args: args))
    case .typedStorage, .untypedStorage, .dtype:
      throw CheckpointError.unsupported("constructing \(g.qualifiedName) directly (only persistent-id storages are read)")
    }
  }

  /// BUILD: stubs keep their state; dicts (`_metadata` of nn.Module.state_dict), tensors and
  /// everything else ignore it. Nothing is ever set as an attribute of a real object.
  func build(_ target: PickleValue, state: PickleValue) {
    if case .stub(let s) = target { s.state = state }
  }

  // MARK: - Helpers

  private func tupleItems(_ args: PickleValue, _ g: PickleGlobal) throws -> [PickleValue] {
    switch args {
    case .tuple(let items, _): return items
    case .list(let l): return l.items
    default: throw CheckpointError.malformedPickle("arguments of \(g.qualifiedName) are a \(args.kind), not a tuple")
    }
  }

  private func iterable(_ v: PickleValue, _ g: PickleGlobal) throws -> [PickleValue] {
    switch v {
    case .tuple(let items, _): return items
    case .list(let l): return l.items
    case .dict(let d): return d.keys
    default: throw CheckpointError.malformedPickle("\(g.qualifiedName) expects an iterable, got \(v.kind)")
    }
  }

  private func ints(_ v: PickleValue, _ what: String) throws -> [Int] {
    let items: [PickleValue]
    switch v {
    case .tuple(let t, _): items = t
    case .list(let l): items = l.items
    default: throw CheckpointError.invalidTensor("\(what) is a \(v.kind), not a tuple of ints")
    }
    return try items.map {
      switch $0 {
      case .int(let i): return i
      case .bigInt: throw CheckpointError.limitExceeded("\(what) has a value wider than 64 bits (too large)")
      default: throw CheckpointError.invalidTensor("\(what) contains a \($0.kind)")
      }
    }
  }

  /// `_rebuild_tensor*(storage, offset, size, stride[, requires_grad, hooks][, dtype][, metadata])`.
  private func rebuild(_ a: [PickleValue], _ g: PickleGlobal, minArgs: Int, dtypeIndex: Int?) throws -> TensorRef {
    guard a.count >= minArgs else {
      throw CheckpointError.malformedPickle("\(g.qualifiedName) expects \(minArgs) arguments, got \(a.count)")
    }
    guard case .storage(let storage) = a[0] else {
      throw CheckpointError.invalidTensor("\(g.qualifiedName): first argument is a \(a[0].kind), not a storage")
    }
    guard case .int(let offset) = a[1] else {
      throw CheckpointError.invalidTensor("storage offset is a \(a[1].kind), not an int (too large?)")
    }
    let shape = try ints(a[2], "size")
    let strides = try ints(a[3], "stride")
    var dtype = storage.dtype
    if let i = dtypeIndex {
      guard case .global(let dg) = a[i], dg.module == "torch", let dt = CheckpointDType(torchName: dg.name) else {
        throw CheckpointError.unsupported("\(g.qualifiedName) dtype argument \(a[i].kind)")
      }
      dtype = dt
    }
    let metadataIndex = (dtypeIndex.map { $0 + 1 }) ?? 6
    if a.count > metadataIndex {
      switch a[metadataIndex] {
      case .none: break
      case .dict(let d) where d.count == 0: break
      default: throw CheckpointError.unsupported("tensor metadata (conjugate/negative bits) in \(g.qualifiedName)")
      }
    }
    return TensorRef(storage: storage, offset: offset, shape: shape, strides: strides, dtype: dtype)
  }
}

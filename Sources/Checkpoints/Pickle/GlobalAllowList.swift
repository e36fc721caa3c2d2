/// The GLOBALs the restricted unpickler accepts, by exact name (roughly PyTorch's own
/// weights-only list, `torch/_weights_only_unpickler.py`).
///
/// Three groups:
/// * **understood**: container constructors, tensor rebuild functions, storage classes, dtype
///   objects, `_codecs.encode`, `torch.storage._load_from_bytes`. Dispatched by name in
///   ``PickleCalls``; nothing is imported or executed.
/// * **opaque**: classes found in checkpoint metadata (numpy scalars, `argparse.Namespace`,
///   mmengine objects, ...). Calling them yields an inert stub.
/// * everything else is refused with ``CheckpointError/globalNotAllowed(module:name:)``,
///   e.g. `os.system`, `builtins.eval`, `posix.system`, `subprocess.*`, dotted attribute paths.
enum GlobalAllowList {
  enum Kind: Equatable {
    case orderedDict
    case rebuildTensor, rebuildTensorV2, rebuildTensorV3
    case rebuildParameter, rebuildParameterWithState, rebuildFromTypeV2
    case typedStorage(CheckpointDType)
    case untypedStorage
    case dtype(CheckpointDType)
    case codecsEncode
    case loadFromBytes
    case set, frozenset, bytearray
    case torchSize, torchDevice
    case opaque
  }

  /// Classes that become stubs when constructed.
  static let defaultOpaque: Set<String> = [
    "numpy.core.multiarray.scalar", "numpy._core.multiarray.scalar",
    "numpy.core.multiarray._reconstruct", "numpy._core.multiarray._reconstruct",
    "numpy.dtype", "numpy.ndarray",
    "argparse.Namespace",
    "torch._tensor.Tensor", "torch.Tensor", "torch.nn.parameter.Parameter",
    "collections.defaultdict",
  ]

  /// Module prefixes whose plain-identifier classes become stubs (OpenMMLab metadata objects).
  static let opaqueModulePrefixes = ["mmengine.", "mmcv.", "mmcls.", "mmpretrain.", "mmselfsup."]

  /// Modules that are never accepted, even through `extraOpaque`.
  static let forbiddenModules: Set<String> = [
    "os", "posix", "nt", "subprocess", "builtins", "__builtin__", "sys", "shutil", "importlib",
    "runpy", "pickle", "_pickle", "marshal", "socket", "ctypes", "pty", "code", "types",
    "functools", "operator", "io", "webbrowser", "commands", "platform", "torch.hub", "torch.jit",
    "inspect", "pdb", "timeit", "multiprocessing", "threading", "asyncio", "tempfile", "glob",
  ]

  /// Resolves a GLOBAL or throws `globalNotAllowed`. With `opaqueUnknown`, any other class
  /// with a plain name outside ``forbiddenModules`` becomes an opaque stub instead of an error.
  static func resolve(module: String, name: String, extraOpaque: Set<String>, opaqueUnknown: Bool = false) throws
    -> Kind
  {
    let qualified = "\(module).\(name)"
    if let kind = understood(module: module, name: name) { return kind }
    let rootModule = String(module.split(separator: ".").first ?? "")
    let plainName = isIdentifier(name) && !name.hasPrefix("_") || name == "_reconstruct"
    if !forbiddenModules.contains(module), !forbiddenModules.contains(rootModule), plainName {
      if defaultOpaque.contains(qualified) || extraOpaque.contains(qualified) { return .opaque }
      if opaqueModulePrefixes.contains(where: { module.hasPrefix($0) }) { return .opaque }
      if opaqueUnknown, !module.hasPrefix("torch"), isModulePath(module) { return .opaque }
    }
    throw CheckpointError.globalNotAllowed(module: module, name: name)
  }

  private static func understood(module: String, name: String) -> Kind? {
    switch (module, name) {
    case ("collections", "OrderedDict"), ("collections", "Counter"): return .orderedDict
    case ("torch._utils", "_rebuild_tensor"): return .rebuildTensor
    case ("torch._utils", "_rebuild_tensor_v2"): return .rebuildTensorV2
    case ("torch._utils", "_rebuild_tensor_v3"): return .rebuildTensorV3
    case ("torch._utils", "_rebuild_parameter"): return .rebuildParameter
    case ("torch._utils", "_rebuild_parameter_with_state"): return .rebuildParameterWithState
    case ("torch._tensor", "_rebuild_from_type_v2"): return .rebuildFromTypeV2
    case ("torch.storage", "UntypedStorage"), ("torch", "UntypedStorage"): return .untypedStorage
    case ("torch.storage", "_load_from_bytes"): return .loadFromBytes
    case ("_codecs", "encode"): return .codecsEncode
    case ("builtins", "set"), ("__builtin__", "set"): return .set
    case ("builtins", "frozenset"), ("__builtin__", "frozenset"): return .frozenset
    case ("builtins", "bytearray"), ("__builtin__", "bytearray"): return .bytearray
    case ("torch", "Size"): return .torchSize
    case ("torch", "device"): return .torchDevice
    case ("torch", let n):
      if let dt = CheckpointDType(torchStorageClass: n) { return .typedStorage(dt) }
      if let dt = CheckpointDType(torchName: n) { return .dtype(dt) }
      return nil
    default: return nil
    }
  }

  private static func isModulePath(_ s: String) -> Bool {
    !s.isEmpty && s.split(separator: ".", omittingEmptySubsequences: false).allSatisfy { isIdentifier(String($0)) }
  }

  private static func isIdentifier(_ s: String) -> Bool {
    guard let first = s.unicodeScalars.first, first == "_" || first.properties.isAlphabetic else { return false }
    return s.unicodeScalars.allSatisfy { $0 == "_" || $0.properties.isAlphabetic || ("0"..."9").contains($0) }
  }
}

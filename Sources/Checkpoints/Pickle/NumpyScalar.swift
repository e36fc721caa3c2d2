import Foundation

/// Decodes pickled numpy scalars (`numpy.core.multiarray.scalar(dtype, bytes)`, numpy 1.x and
/// `numpy._core` for 2.x) such as the seeds and accuracies in mmengine `meta` dicts.
///
/// Only bool, integer and float codes of 1-8 bytes are decoded; anything else stays opaque.
enum NumpyScalar {
  static func decode(_ stub: PickleStub) -> CheckpointValue? {
    let g = stub.global
    guard g.name == "scalar", g.module == "numpy.core.multiarray" || g.module == "numpy._core.multiarray",
          case .tuple(let args, _) = stub.args, args.count == 2,
          case .stub(let dtype) = args[0], dtype.global.qualifiedName == "numpy.dtype",
          case .tuple(let dtypeArgs, _) = dtype.args, case .string(let code)? = dtypeArgs.first,
          case .bytes(let raw) = args[1]
    else { return nil }
    var bigEndian = false
    if case .tuple(let state, _)? = dtype.state, state.count > 1, case .string(let order) = state[1] {
      bigEndian = order == ">"
    }
    guard let kind = code.first, let size = Int(code.dropFirst()), size == raw.count, (1...8).contains(size) else {
      return nil
    }
    let bytes = bigEndian ? Array(raw.reversed()) : Array(raw)
    let bits = bytes.enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) }
    switch (kind, size) {
    case ("b", 1): return .bool(bits != 0)
    case ("u", _): return bits <= UInt64(Int.max) ? .int(Int(bits)) : nil
    case ("i", _):
      let shift = UInt64(64 - 8 * size)
      return .int(Int(Int64(bitPattern: bits << shift) >> Int64(shift)))
    case ("f", 8): return .double(Double(bitPattern: bits))
    case ("f", 4): return .double(Double(Float(bitPattern: UInt32(bits))))
    case ("f", 2): return .double(Double(HalfPrecision.float(fromHalfBits: UInt16(bits))))
    default: return nil
    }
  }
}

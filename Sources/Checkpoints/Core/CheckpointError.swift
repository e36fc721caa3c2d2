import Foundation

/// Every failure of the Checkpoints module.
///
/// `description` is always a single line that names the problem: the refused GLOBAL or
/// opcode, the offending zip entry, tensor key or header field, and (through ``inFile(_:_:)``)
/// the file it came from.
public enum CheckpointError: Error, CustomStringConvertible, Equatable, Sendable {
  /// The first bytes match no supported container.
  case unknownFormat(String)
  /// The data ends before a structure it declares.
  case truncated(String)
  /// A pickle GLOBAL / STACK_GLOBAL that is not on the allow-list (nothing is ever imported).
  case globalNotAllowed(module: String, name: String)
  /// A pickle opcode outside the supported set.
  case opcodeNotAllowed(opcode: UInt8, offset: Int)
  /// The pickle stream is structurally invalid (stack underflow, bad memo index, ...).
  case malformedPickle(String)
  /// A zip container problem: path traversal, zip bomb, inconsistent records.
  case invalidZip(String)
  /// A legacy (pre-1.6) torch.save layout problem.
  case invalidLegacy(String)
  /// A safetensors header or data-layout problem.
  case invalidSafeTensors(String)
  /// Tensor metadata problem: shape, strides, storage offset, dtype, storage size.
  case invalidTensor(String)
  /// A configured ``CheckpointLimits`` value was exceeded.
  case limitExceeded(String)
  /// Recognised but unsupported content (quantised tensors, big-endian files, ...).
  case unsupported(String)
  /// State-dict keys or shapes do not match the expected set (strict validation).
  case keyMismatch(String)
  /// Reading or writing a file failed.
  case io(String)
  /// Another error, prefixed with the file it came from.
  indirect case inFile(String, CheckpointError)

  /// One line: control characters are escaped (names in hostile files may contain newlines)
  /// and very long messages are cut at 1000 characters.
  public var description: String {
    var out = ""
    for scalar in rawDescription.unicodeScalars {
      if out.unicodeScalars.count >= 1000 {
        out += "…"
        break
      }
      switch scalar.value {
      case 0x0A: out += "\\n"
      case 0x0D: out += "\\r"
      case 0x09: out += "\\t"
      case 0..<0x20, 0x7F, 0x2028, 0x2029, 0x85: out += "\\u{\(String(scalar.value, radix: 16))}"
      default: out.unicodeScalars.append(scalar)
      }
    }
    return out
  }

  private var rawDescription: String {
    switch self {
    case .unknownFormat(let s): return "unknown checkpoint format: \(s)"
    case .truncated(let s): return "truncated data: \(s)"
    case .globalNotAllowed(let module, let name):
      return "pickle GLOBAL '\(module).\(name)' is not allowed (only the tensor/storage allow-list is accepted; nothing is executed)"
    case .opcodeNotAllowed(let op, let offset):
      let printable = (0x20..<0x7f).contains(op) ? " '\(Character(UnicodeScalar(op)))'" : ""
      return "pickle opcode 0x\(String(op, radix: 16, uppercase: false))\(printable) at byte \(offset) is not allowed"
    case .malformedPickle(let s): return "malformed pickle: \(s)"
    case .invalidZip(let s): return "invalid zip archive: \(s)"
    case .invalidLegacy(let s): return "invalid legacy torch.save file: \(s)"
    case .invalidSafeTensors(let s): return "invalid safetensors file: \(s)"
    case .invalidTensor(let s): return "invalid tensor: \(s)"
    case .limitExceeded(let s): return "limit exceeded: \(s)"
    case .unsupported(let s): return "unsupported: \(s)"
    case .keyMismatch(let s): return "state dict does not match: \(s)"
    case .io(let s): return "I/O error: \(s)"
    case .inFile(let file, let inner): return "\(file): \(inner.rawDescription)"
    }
  }

  /// The error without any ``inFile(_:_:)`` wrapping.
  public var underlying: CheckpointError {
    if case .inFile(_, let inner) = self { return inner.underlying }
    return self
  }

  /// Runs `body`, prefixing any error it throws with `file` (non-checkpoint errors become ``io(_:)``).
  static func context<T>(_ file: String, _ body: () throws -> T) throws -> T {
    do {
      return try body()
    } catch let error as CheckpointError {
      if case .inFile = error { throw error }
      throw CheckpointError.inFile(file, error)
    } catch {
      throw CheckpointError.inFile(file, .io(String(describing: error)))
    }
  }
}

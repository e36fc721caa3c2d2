/// Element types a checkpoint tensor can have.
///
/// Raw values are PyTorch's dtype names. Complex, quantised and float8 types are refused
/// when reading.
public enum CheckpointDType: String, Sendable, CaseIterable, Equatable, Hashable {
  case bool, uint8, int8, int16, uint16, int32, uint32, int64, uint64
  case float16, bfloat16, float32, float64

  /// Size of one element in bytes.
  public var byteCount: Int {
    switch self {
    case .bool, .uint8, .int8: return 1
    case .int16, .uint16, .float16, .bfloat16: return 2
    case .int32, .uint32, .float32: return 4
    case .int64, .uint64, .float64: return 8
    }
  }

  /// True for float16, bfloat16, float32 and float64.
  public var isFloatingPoint: Bool {
    switch self {
    case .float16, .bfloat16, .float32, .float64: return true
    default: return false
    }
  }

  /// The dtype of a typed legacy storage class such as `FloatStorage` (module `torch`).
  public init?(torchStorageClass name: String) {
    switch name {
    case "FloatStorage": self = .float32
    case "DoubleStorage": self = .float64
    case "HalfStorage": self = .float16
    case "BFloat16Storage": self = .bfloat16
    case "LongStorage": self = .int64
    case "IntStorage": self = .int32
    case "ShortStorage": self = .int16
    case "CharStorage": self = .int8
    case "ByteStorage": self = .uint8
    case "BoolStorage": self = .bool
    default: return nil
    }
  }

  /// The dtype named by a `torch.<name>` dtype object (the `_rebuild_tensor_v3` argument).
  public init?(torchName name: String) {
    switch name {
    case "float32", "float": self = .float32
    case "float64", "double": self = .float64
    case "float16", "half": self = .float16
    case "bfloat16": self = .bfloat16
    case "int64", "long": self = .int64
    case "int32", "int": self = .int32
    case "int16", "short": self = .int16
    case "int8": self = .int8
    case "uint8": self = .uint8
    case "uint16": self = .uint16
    case "uint32": self = .uint32
    case "uint64": self = .uint64
    case "bool": self = .bool
    default: return nil
    }
  }

  /// The safetensors dtype code (`F32`, `BF16`, `I64`, `BOOL`, ...).
  public var safeTensorsCode: String {
    switch self {
    case .bool: return "BOOL"
    case .uint8: return "U8"
    case .int8: return "I8"
    case .int16: return "I16"
    case .uint16: return "U16"
    case .int32: return "I32"
    case .uint32: return "U32"
    case .int64: return "I64"
    case .uint64: return "U64"
    case .float16: return "F16"
    case .bfloat16: return "BF16"
    case .float32: return "F32"
    case .float64: return "F64"
    }
  }

  /// The dtype for a safetensors dtype code, or nil for codes this module does not read.
  public init?(safeTensorsCode code: String) {
    guard let match = CheckpointDType.allCases.first(where: { $0.safeTensorsCode == code }) else {
      return nil
    }
    self = match
  }
}

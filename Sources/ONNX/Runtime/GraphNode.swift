import Foundation

/// One operator call of an imported graph, with its attributes decoded.
struct GraphNode {
  let opType: String
  /// The operator domain (empty for the default `ai.onnx`).
  let domain: String
  /// The node name (may be empty); torch exporters put the module scope here.
  let name: String
  /// Input value names; an empty name is an omitted optional input.
  var inputs: [String]
  var outputs: [String]
  var attributes: [String: Onnx_AttributeProto]
  /// The PyTorch module path the exporter recorded (see ``ModuleScope``), or nil.
  var scope: [String]? = nil

  /// `name`, or the op type and first output when the node has no name (for messages).
  var label: String { name.isEmpty ? "\(opType) -> \(outputs.first ?? "")" : name }

  /// The operator type as the support table spells it (`Conv`, or `com.microsoft.Gelu`).
  var qualifiedType: String { domain.isEmpty || domain == "ai.onnx" ? opType : "\(domain).\(opType)" }

  /// The value that may hold attention probabilities `[N, heads, T, T]`: a Softmax's output, or
  /// a fused attention's second output (``FusedAttention``).
  var attentionProbabilities: String? {
    switch qualifiedType {
    case "Softmax": return outputs.first
    case FusedAttention.qualifiedType: return outputs.count > 1 ? outputs[1] : nil
    default: return nil
    }
  }

  func int(_ key: String) -> Int? { attributes[key].map { Int(clamping: $0.i) } }
  func int(_ key: String, default value: Int) -> Int { int(key) ?? value }
  func ints(_ key: String) -> [Int]? { attributes[key].map { $0.ints.map { Int(clamping: $0) } } }
  func float(_ key: String, default value: Double) -> Double { attributes[key].map { Double($0.f) } ?? value }
  func string(_ key: String, default value: String) -> String {
    attributes[key].map { String(decoding: $0.s, as: UTF8.self) } ?? value
  }
}

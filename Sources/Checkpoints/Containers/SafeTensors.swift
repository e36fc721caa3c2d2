import Foundation

/// Reading and writing the safetensors format (see `SafeTensorsReader.swift` and
/// `SafeTensorsWriter.swift`).
public enum SafeTensors {}

/// The content of a safetensors file.
public struct SafeTensorsFile: Sendable {
  /// Tensors in data-offset order.
  public var tensors: [(name: String, tensor: CheckpointTensor)]
  /// The `__metadata__` string map (empty if absent).
  public var metadata: [String: String]

  public init(tensors: [(name: String, tensor: CheckpointTensor)], metadata: [String: String]) {
    self.tensors = tensors
    self.metadata = metadata
  }
}

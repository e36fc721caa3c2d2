import Foundation
import ONNX
import SwiftProtobuf

/// Small ONNX models written by hand for the reader's error tests.
enum GraphBuilder {
  static func node(_ op: String, _ inputs: [String], _ outputs: [String], name: String = "", ints: [String: [Int64]] = [:]) -> Onnx_NodeProto {
    var n = Onnx_NodeProto()
    n.opType = op
    n.input = inputs
    n.output = outputs
    n.name = name
    for (key, values) in ints.sorted(by: { $0.key < $1.key }) {
      var a = Onnx_AttributeProto()
      a.name = key
      a.type = .ints
      a.ints = values
      n.attribute.append(a)
    }
    return n
  }

  /// An integer attribute.
  static func int(_ name: String, _ value: Int64) -> Onnx_AttributeProto {
    var a = Onnx_AttributeProto()
    a.name = name
    a.type = .int
    a.i = value
    return a
  }

  static func floats(_ name: String, _ dims: [Int64], _ values: [Float]) -> Onnx_TensorProto {
    tensor(name, dims, dataType: 1) { $0.floatData = values }
  }

  static func int64s(_ name: String, _ dims: [Int64], _ values: [Int64]) -> Onnx_TensorProto {
    tensor(name, dims, dataType: 7) { $0.int64Data = values }
  }

  private static func tensor(_ name: String, _ dims: [Int64], dataType: Int32, _ fill: (inout Onnx_TensorProto) -> Void) -> Onnx_TensorProto {
    var t = Onnx_TensorProto()
    t.name = name
    t.dims = dims
    t.dataType = dataType
    fill(&t)
    return t
  }

  static func model(
    nodes: [Onnx_NodeProto], initializers: [Onnx_TensorProto] = [], output: String, opset: Int64 = 17,
    input: [Int64] = [1, 3, 8, 8]
  ) -> Onnx_ModelProto {
    var m = Onnx_ModelProto()
    m.irVersion = 8
    var o = Onnx_OperatorSetIdProto()
    o.version = opset
    m.opsetImport = [o]
    var g = Onnx_GraphProto()
    g.name = "test"
    g.node = nodes
    g.initializer = initializers
    var x = Onnx_ValueInfoProto()
    x.name = "x"
    var type = Onnx_TypeProto.Tensor()
    type.elemType = 1
    type.shape.dim = input.map { d in
      var dim = Onnx_TensorShapeProto.Dimension()
      dim.dimValue = d
      return dim
    }
    x.type.tensorType = type
    g.input = [x]
    var y = Onnx_ValueInfoProto()
    y.name = output
    g.output = [y]
    m.graph = g
    return m
  }

  /// Writes `model` to `folder/name` and returns the URL.
  static func write(_ model: Onnx_ModelProto, to folder: URL, name: String = "model.onnx") throws -> URL {
    let url = folder.appendingPathComponent(name)
    try model.serializedData().write(to: url)
    return url
  }
}

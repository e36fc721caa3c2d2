// libFuzzer target: everything `--model file.onnx` does before an image is read (protobuf decode,
// opset, initializers and external data, limits, topological order, unsupported-op listing,
// load-time rewrites and shape planning at a fixed input size, layer naming), then one forward
// pass on a zero image when the planned input is small.
import Autodiff
import Foundation

/// One scratch folder per process: the reader takes a file and resolves external data next to it.
private let folder: URL = {
  let url = FileManager.default.temporaryDirectory.appendingPathComponent("onnx-fuzz-\(getpid())")
  try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
  return url
}()

/// Smaller than the defaults so one input cannot allocate gigabytes; the checks are the same.
private let limits = ONNXLimits(
  maxFileBytes: 1 << 20, maxTensorElements: 1 << 22, maxDimension: 1 << 16, maxRank: 8, maxNodes: 4096)

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzONNX(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
  let data = count == 0 ? Data() : Data(bytes: start!, count: count)
  let url = folder.appendingPathComponent("model.onnx")
  guard (try? data.write(to: url)) != nil else { return 0 }
  guard let model = try? ONNXClassifier(url: url, limits: limits, inputSize: (32, 32)) else { return 0 }
  _ = model.layers.count
  _ = model.defaultCAMLayer
  _ = model.tokenLayout(height: model.input.height, width: model.input.width)
  if model.input.height * model.input.width <= 64 * 64 {
    _ = try? model.checkedForward(Tensor.zeros([1, 3, model.input.height, model.input.width]))
  }
  return 0
}

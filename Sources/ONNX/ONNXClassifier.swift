import Autodiff
import Foundation
import Networks

/// An image classifier imported from an ONNX file, run on Autodiff ops so every CAM method
/// works on it.
///
/// Every image-dependent value of the graph is a layer, named by its ONNX value name and, where a
/// torch exporter kept the module scope in node names, by the PyTorch module path (the module's
/// last output): `layer4`, `layer4.2`, `layer4.2.relu_2`. The values inside a decomposed
/// pattern that runs as one native op (``fusedPatterns``: LayerNorm, exact GELU, a linear layer's
/// `MatMul + Add`, multi-head attention) are not computed and so are not layers; the fused value
/// keeps the name of the pattern's last value (and fused attention's probabilities the name of
/// the Softmax output).
public final class ONNXClassifier: TokenLayoutProviding {
  /// `onnx:` and the file name.
  public let architecture: String
  /// Empty: an imported graph's weights are constants of the graph.
  public let parameters = ParameterTable()
  public let classCount: Int
  public let input: InputSpec
  public let modulePaths: [String]
  public let defaultCAMLayer: String
  /// Every layer with its output shape at the declared input size, in forward order: ONNX value
  /// names and module paths (a path after the value it names).
  public let layers: [(name: String, shape: [Int])]
  /// Whether the graph has attention probabilities (softmax outputs `[N, heads, T, T]`).
  public var hasAttention: Bool { tokens != nil }
  /// Tokens per attention row, prefix tokens and patch size at the declared input size (nil
  /// without attention).
  let tokens: (prefix: Int, patch: Int)?
  /// The model file.
  public let url: URL
  /// Whether the file fixes the input's height and width (then ``input`` is that size, and
  /// images are brought to it: onnxruntime runs no other).
  public let fixesInputSize: Bool

  let program: GraphProgram

  /// Reads, checks and plans `url`.
  ///
  /// - Parameters:
  ///   - profile: the preprocessing profile the model expects (ONNX files do not record it).
  ///   - inputSize: height and width when the file leaves them symbolic (default 224).
  ///   - fusingPatterns: whether decomposed LayerNorm, exact GELU, `MatMul + Add` linear layers
  ///     and multi-head attention run as the native ops (``fusedPatterns``); false runs every node
  ///     as the file has it.
  /// - Throws: ``ONNXError`` naming the file and the problem, before any image is read:
  ///   malformed protobuf, opset outside 11-21, every unsupported operator type with its count,
  ///   cycles, missing values, sizes beyond `limits`, external data outside the model's folder,
  ///   shape mismatches (found by planning the graph at the input size).
  public init(url: URL, limits: ONNXLimits = ONNXLimits(), profile: String = "imagenet", inputSize: (Int, Int) = (224, 224),
              fusingPatterns: Bool = true) throws {
    let reader = try ModelReader(url: url, limits: limits)
    let program = try GraphProgram(reader: reader, limits: limits, fusing: fusingPatterns)
    if let channels = reader.inputDims[1], channels != 3 {
      throw ONNXError(file: url.path, "input '\(reader.inputName)' has \(channels) channels; an image classifier takes 3")
    }
    let height = reader.inputDims[2] ?? inputSize.0, width = reader.inputDims[3] ?? inputSize.1
    let declaredBatch = reader.inputDims[0]
    let plan = try program.plan(for: [declaredBatch ?? 1, 3, height, width])
    program.assignModulePaths(plan)
    guard let logits = plan.layers.last(where: { $0.name == reader.outputName }), logits.shape.count == 2 else {
      throw ONNXError(file: url.path, "the output '\(reader.outputName)' is not logits [N, classes]")
    }
    // A batch the file states is often only the exporter's example (torch.onnx.export's
    // default), and a symbolic one may still meet constants folded for the example's batch: the
    // graph runs any batch only if planning another batch works and gives that many rows of logits.
    var fixedBatch: Int?
    let planned = declaredBatch ?? 1, other = planned == 1 ? 2 : 1
    let otherPlan = try? program.plan(for: [other, 3, height, width])
    if otherPlan?.layers.last(where: { $0.name == reader.outputName })?.shape.first != other {
      guard planned == 1 else {
        throw ONNXError(file: url.path, "input '\(reader.inputName)' has a fixed batch of \(planned) that the graph's constants depend on; export it with batch 1 or a dynamic batch axis")
      }
      fixedBatch = 1
    }
    var all: [(name: String, shape: [Int])] = []
    for layer in plan.layers {
      all.append(layer)
      for path in program.aliases[layer.name] ?? [] { all.append((path, layer.shape)) }
    }
    // A module path names the module's last output: keep only its last occurrence.
    var seen = Set<String>()
    let layers = Array(all.reversed().filter { seen.insert($0.name).inserted }.reversed())
    let probabilities = Set(plan.steps.compactMap { program.nodes[$0].attentionProbabilities })
    let attention = plan.layers.first { probabilities.contains($0.name) && $0.shape.count == 4 && $0.shape[2] == $0.shape[3] }

    self.url = url
    self.program = program
    fixesInputSize = reader.inputDims[2] != nil && reader.inputDims[3] != nil
    architecture = "onnx:\(url.lastPathComponent)"
    classCount = logits.shape[1]
    input = InputSpec(height: height, width: width, profile: profile, batch: fixedBatch)
    self.layers = layers
    modulePaths = layers.map(\.name)
    tokens = attention.flatMap { ONNXClassifier.tokenLayout(tokens: $0.shape[3], height: height, width: width) }
    defaultCAMLayer = ONNXClassifier.defaultLayer(layers: plan.layers, aliases: program.aliases)
  }

  /// Prefix tokens and patch size of `tokens` tokens on a grid with the input's aspect ratio:
  /// the largest grid that leaves at most 16 prefix tokens.
  static func tokenLayout(tokens: Int, height: Int, width: Int) -> (prefix: Int, patch: Int)? {
    for patch in 1...Swift.max(1, Swift.min(height, width)) where height % patch == 0 && width % patch == 0 {
      let grid = (height / patch) * (width / patch)
      if grid <= tokens && tokens - grid <= 16 { return (tokens - grid, patch) }
    }
    return nil
  }

  public func tokenLayout(height: Int, width: Int) -> (prefixTokens: Int, rows: Int, columns: Int)? {
    guard let tokens else { return nil }
    return (tokens.prefix, height / tokens.patch, width / tokens.patch)
  }

  /// The last block's first norm of a transformer (`blocks.11.norm1`), else the last spatial map
  /// `[N, C, H, W]` (H or W above 1: the map before global pooling), preferring its module path.
  static func defaultLayer(layers: [(name: String, shape: [Int])], aliases: [String: [String]]) -> String {
    let named = layers.flatMap { layer in (aliases[layer.name] ?? []).map { (path: $0, shape: layer.shape) } }
    if let norm = named.last(where: { $0.path.hasSuffix(".norm1") && $0.shape.count == 3 }) { return norm.path }
    if let map = layers.last(where: { $0.shape.count == 4 && $0.shape[2] * $0.shape[3] > 1 }) {
      return aliases[map.name]?.first ?? map.name
    }
    return layers.last(where: { $0.shape.count >= 3 })?.name ?? layers.last?.name ?? ""
  }

  /// The most image-dependent values the last forward pass held at once: the graph frees each
  /// value after its last reader, so this stays far below the number of layers.
  public var peakLiveValues: Int { program.lastPeakLiveValues }

  /// How many decomposed patterns run as one native op, by that op (`LayerNormalization`,
  /// `Linear`, `Gelu`, `Attention`); values inside a fused pattern are not layers.
  public var fusedPatterns: [String: Int] { program.fusedPatterns }

  /// How many nodes run fused with the nodes after them for inputs of `shape` `[N, 3, H, W]`, by
  /// the fused node (`Conv`: with its ReLU, or its residual Add and ReLU; `Linear`: with its
  /// residual Add, added in the product's store), unless a pass taps the value in between.
  public func runtimeFusions(inputShape shape: [Int]) throws -> [String: Int] { try program.runtimeFusions(for: shape) }

  /// The number of constant weights prepared (packed) for the GEMM kernel at the input sizes run so far.
  public var preparedWeightCount: Int { program.preparedWeightCount }

  /// Runs the graph; an error a size other than the planned one brings up stops the program with
  /// the file's one-line message (``checkedForward(_:context:)`` throws it instead).
  public func forward(_ x: Tensor, context: ForwardContext) -> Tensor {
    do {
      return try checkedForward(x, context: context)
    } catch {
      fatalError("\(error)")
    }
  }

  /// Runs the graph on `x` `[N, 3, H, W]`, throwing ``ONNXError`` when a node cannot run at this size.
  public func checkedForward(_ x: Tensor, context: ForwardContext = ForwardContext()) throws -> Tensor {
    guard x.rank == 4, x.shape[1] == 3 else { throw ONNXError(file: url.path, "input \(x.shape) is not [N, 3, H, W]") }
    if let batch = input.batch, x.shape[0] != batch {
      throw ONNXError(file: url.path, "the graph runs batches of \(batch) only (the file fixes it), got \(x.shape[0]) images")
    }
    return try program.run(x, context: context)
  }
}

// swift-tools-version:6.0
// gradcam: Grad-CAM attention analysis of image classifiers under distribution shift.
import PackageDescription

let package = Package(
  name: "gradcam",
  platforms: [.macOS(.v13)],
  products: [
    .executable(name: "gradcam", targets: ["GradCAMTool"]),
    .library(name: "Autodiff", targets: ["Autodiff"]),
    .library(name: "NPY", targets: ["NPY"]),
    .library(name: "Imaging", targets: ["Imaging"]),
    .library(name: "Checkpoints", targets: ["Checkpoints"]),
    .library(name: "Networks", targets: ["Networks"]),
    .library(name: "Corruptions", targets: ["Corruptions"]),
    .library(name: "GradCAM", targets: ["GradCAM"]),
    .library(name: "Render", targets: ["Render"]),
    .library(name: "Zoo", targets: ["Zoo"]),
    .library(name: "DemoData", targets: ["DemoData"]),
    .library(name: "ONNX", targets: ["ONNX"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    .package(url: "https://github.com/apple/swift-numerics", from: "1.0.0"),
    .package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.5.0"),
    // The runtime library only: the generated ONNX messages are committed (Scripts/onnx/generate-proto.sh).
    .package(url: "https://github.com/apple/swift-protobuf", exact: "1.39.0"),
  ],
  targets: [
    // MARK: - C libraries (system libraries found through pkg-config)
    .systemLibrary(name: "CMalloc"),
    .systemLibrary(
      name: "CBLAS", pkgConfig: "openblas",
      providers: [.apt(["libopenblas-dev"]), .brew(["openblas"])]),
    .systemLibrary(
      name: "CCairo", pkgConfig: "cairo",
      providers: [.apt(["libcairo2-dev"]), .brew(["cairo"])]),
    .systemLibrary(
      name: "CPNG", pkgConfig: "libpng",
      providers: [.apt(["libpng-dev"]), .brew(["libpng"])]),
    .systemLibrary(
      name: "CJPEG", pkgConfig: "libjpeg",
      providers: [.apt(["libjpeg-dev"]), .brew(["jpeg-turbo"])]),
    .systemLibrary(
      name: "CZlib", pkgConfig: "zlib",
      providers: [.apt(["zlib1g-dev"]), .brew(["zlib"])]),

    // MARK: - Public modules
    .target(name: "CKernels"),
    .target(name: "NPY"),
    .target(name: "Suggestions"),
    .target(name: "AtomicFiles"),
    .target(name: "ProgressBars"),
    .target(name: "Checksums", dependencies: ["CZlib"]),
    .target(
      name: "Autodiff",
      dependencies: ["CBLAS", "CKernels", "CMalloc", "NPY", .product(name: "Numerics", package: "swift-numerics")]),
    .target(name: "CImageSupport", dependencies: ["CPNG", "CJPEG", "CZlib"]),
    .target(name: "Imaging", dependencies: ["CPNG", "CJPEG", "CImageSupport", "Suggestions", "AtomicFiles"]),
    .target(name: "Checkpoints", dependencies: ["AtomicFiles", "Checksums", "CZlib"]),
    .target(
      name: "Networks", dependencies: ["Autodiff", "Checkpoints", "Suggestions"], resources: [.copy("Resources")]),
    .target(
      name: "Corruptions",
      dependencies: ["Imaging", "Suggestions", "AtomicFiles", .product(name: "Numerics", package: "swift-numerics")],
      resources: [.copy("Resources")]),
    .target(name: "GradCAM", dependencies: ["Autodiff", "Networks", "Imaging", "Corruptions", "NPY", "Suggestions", "AtomicFiles"]),
    .target(name: "Render", dependencies: ["Imaging", "CCairo", "AtomicFiles", "Checksums"]),
    .target(
      name: "Zoo", dependencies: ["Networks", "Checkpoints", "Suggestions", "ProgressBars", "Checksums", "AtomicFiles"]),
    .target(name: "Evaluation", dependencies: ["Autodiff", "Corruptions", "GradCAM", "Imaging", "Networks", "NPY", "AtomicFiles", "Checksums"]),
    .target(name: "DemoData", dependencies: ["Imaging", "Render", "CCairo", "AtomicFiles"]),
    .target(
      name: "ONNX",
      dependencies: ["Autodiff", "Networks", "Suggestions", .product(name: "SwiftProtobuf", package: "swift-protobuf")]),

    // MARK: - Command-line tool
    .executableTarget(
      name: "GradCAMTool",
      dependencies: [
        "Autodiff", "Imaging", "Checkpoints", "Networks", "Corruptions", "GradCAM", "Render", "Suggestions", "Zoo", "Evaluation", "DemoData",
        "ONNX", "ProgressBars", "AtomicFiles",
        "CMalloc", .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]),

    // MARK: - Examples (compiled with the package, so CI keeps them working)
    .executableTarget(
      name: "library-api", dependencies: ["Corruptions", "GradCAM", "Imaging", "Networks", "Render"],
      path: "examples/library-api"),

    // MARK: - Tests
    .target(name: "AutodiffTestSupport", dependencies: ["Autodiff", "NPY"]),
    .target(name: "TestFixtures"),  // Tests/Fixtures: CIFAR-10 images and checkpoints several targets read
    .target(name: "ToolTestSupport"),
    .executableTarget(name: "autodiff-stop-cases", dependencies: ["Autodiff"], path: "Sources/AutodiffStopCases"),
    .testTarget(
      name: "AutodiffTests", dependencies: ["Autodiff", "AutodiffTestSupport", "CKernels", "ToolTestSupport", "autodiff-stop-cases"],
      resources: [.copy("Fixtures")]),
    .testTarget(name: "ChecksumsTests", dependencies: ["Checksums"]),
    .testTarget(name: "AtomicFilesTests", dependencies: ["AtomicFiles"]),
    .testTarget(
      name: "ImagingTests", dependencies: ["Imaging", "NPY", "Checksums", "CZlib", "TestFixtures"], resources: [.copy("Fixtures")]),
    .testTarget(
      name: "CheckpointsTests", dependencies: ["Checkpoints", "NPY", "TestFixtures"], resources: [.copy("Fixtures")]),
    .testTarget(
      name: "NetworksTests", dependencies: ["Networks", "Imaging", "Checkpoints", "AutodiffTestSupport", "TestFixtures"],
      resources: [.copy("Fixtures")]),
    .testTarget(
      name: "CorruptionsTests", dependencies: ["Corruptions", "Imaging", "NPY", "Checksums"],
      resources: [.copy("Fixtures")]),
    .testTarget(
      name: "GradCAMTests", dependencies: ["GradCAM", "Networks", "Imaging", "AutodiffTestSupport", "TestFixtures"],
      resources: [.copy("Fixtures")]),
    .testTarget(name: "RenderTests", dependencies: ["Render", "Imaging", "NPY"], resources: [.copy("Fixtures")]),
    .testTarget(name: "NPYTests", dependencies: ["NPY"], resources: [.copy("Fixtures")]),
    .testTarget(
      name: "GradCAMToolTests",
      dependencies: ["GradCAMTool", "GradCAM", "Corruptions", "Imaging", "Networks", "NPY", "ToolTestSupport", "TestFixtures"]),
    .testTarget(name: "ZooTests", dependencies: ["Zoo", "Networks", "Checkpoints", "Autodiff", "GradCAMTool", "ToolTestSupport"]),
    .testTarget(
      name: "EvaluationTests",
      dependencies: [
        "Evaluation", "GradCAMTool", "Corruptions", "GradCAM", "Imaging", "Networks", "ToolTestSupport", "TestFixtures", "Checksums",
      ],
      resources: [.copy("Fixtures")]),
    .testTarget(
      name: "ONNXTests",
      dependencies: [
        "ONNX", "Networks", "GradCAM", "Autodiff", "AutodiffTestSupport", "NPY", "GradCAMTool", "ToolTestSupport",
        .product(name: "SwiftProtobuf", package: "swift-protobuf"),
      ],
      resources: [.copy("Fixtures")]),
    .testTarget(name: "DemoDataTests", dependencies: ["DemoData", "Imaging", "Networks", "GradCAM", "Autodiff"]),
  ],
  swiftLanguageModes: [.v5]
)

// The portable CI run (Scripts/test-portable.sh) compiles the x86 kernels out and runs only the
// Autodiff, Networks and GradCAM tests; it builds just the targets those need, not the tool, the
// ONNX reader with its protobuf runtime, rendering or evaluation, which the full run covers.
if Context.environment["GRADCAM_PORTABLE_SUBSET"] == "1" {
  let tests: Set = ["AutodiffTests", "NetworksTests", "GradCAMTests"]
  var needed = Set<String>()
  var pending = Array(tests)
  let byName = Dictionary(uniqueKeysWithValues: package.targets.map { ($0.name, $0) })
  while let name = pending.popLast() {
    guard needed.insert(name).inserted, let target = byName[name] else { continue }
    for dependency in target.dependencies {
      if case .byNameItem(let n, _) = dependency { pending.append(n) }
      if case .targetItem(let n, _) = dependency { pending.append(n) }
    }
  }
  package.targets.removeAll { !needed.contains($0.name) }
  package.products = []
  package.dependencies.removeAll {
    guard case .sourceControl(_, let location, _) = $0.kind else { return false }
    return !location.hasSuffix("swift-numerics")
  }
}

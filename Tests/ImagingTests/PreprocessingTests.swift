import Checksums
import Foundation
import Imaging
import NPY
import XCTest

/// Preprocessing parity with torchvision 0.29.2 on PIL images (Pillow 13.0.0, torch 2.15.0).
/// Sources: CIFAR-10 test images composited and resized to 500x375, 333x500, 224x224, 257x300,
/// 50x20, 300x900 (saved as JPEG, decoded identically by both sides, see JPEGCodecTests) and one 32x32
/// CIFAR PNG. Tolerances: uint8 resize/crop output exact; float outputs |diff| <= 1e-6
/// (measured: 0).
final class PreprocessingTests: XCTestCase {
  static let sources = ["500x375", "333x500", "224x224", "257x300", "50x20", "300x900", "32x32"]

  private func source(_ name: String) throws -> RGBImage {
    let file = name == "32x32" ? "src_32x32.png" : "src_\(name).jpg"
    return try ImageFile.read(Fixture.url(file))
  }

  func testImagenetPixelsAreBitExact() throws {
    for name in Self.sources {
      let image = try source(name)
      let pixels = Preprocessing.imagenet.pixels(image)
      let want = try Fixture.npy("pre_imagenet_\(name)_crc.npy").ints
      XCTAssertEqual([pixels.height, pixels.width, 3], Array(want[1...3]), name)
      XCTAssertEqual(Int(CRC32.checksum(pixels.pixels)), want[0], "\(name): CRC-32 of the 224x224 crop")
      if name == "500x375" {
        let full = try PNGCodec.decode(Fixture.data("pre_imagenet_\(name).png"))
        assertSameImage(pixels, full, "\(name) Resize(256)+CenterCrop(224)")
      }
    }
  }

  func testImagenetAndNoneFloatsMatchTorchvision() throws {
    let indices = try Fixture.npy("tensor_sample_indices.npy").ints
    for name in Self.sources {
      let image = try source(name)
      for profile in [Preprocessing.imagenet, Preprocessing.none] {
        let (values, shape) = profile.apply(image)
        XCTAssertEqual(shape, [3, 224, 224])
        let want = try Fixture.npy("tensor_\(profile.name)_\(name).npy").floats
        let got = indices.map { values[$0] }
        let diff = maxAbsDiff(got, want)
        XCTAssertLessThanOrEqual(diff, 1e-6, "\(profile.name) \(name): max abs diff \(diff)")
      }
    }
  }

  func testCifarProfileMatchesTorchvision() throws {
    for name in Self.sources {
      let image = try source(name)
      assertSameImage(
        Preprocessing.cifar.pixels(image), try Fixture.image("pre_cifar_\(name).npy"),
        "cifar \(name)")
    }
    for name in ["32x32", "50x20"] {
      let (values, shape) = Preprocessing.cifar.apply(try source(name))
      XCTAssertEqual(shape, [3, 32, 32])
      let want = try Fixture.npy("tensor_cifar_\(name).npy")
      XCTAssertEqual(want.shape, shape)
      let diff = maxAbsDiff(values, want.floats)
      XCTAssertLessThanOrEqual(diff, 1e-6, "cifar \(name): max abs diff \(diff)")
    }
    // 32x32 input is left untouched by Resize((32, 32)).
    let cifar = try source("32x32")
    XCTAssertEqual(Preprocessing.cifar.pixels(cifar), cifar)
  }

  /// ToTensor and Normalize are elementwise: check all 256 byte values in every channel.
  func testToTensorAndNormalizeForEveryByteValue() throws {
    let ramp = RGBImage(width: 256, height: 1, pixels: (0..<256).flatMap { [UInt8($0), UInt8($0), UInt8($0)] })
    let (plain, shape) = Transforms.toTensor(ramp)
    XCTAssertEqual(shape, [3, 1, 256])
    XCTAssertEqual(plain, try Fixture.npy("table_totensor.npy").floats, "ToTensor, exact")
    let normalized = Transforms.normalize(
      plain, shape: shape, mean: Preprocessing.imagenetMean, std: Preprocessing.imagenetStd)
    let want = try Fixture.npy("table_normalize.npy").floats
    XCTAssertEqual(maxAbsDiff(normalized, want), 0, "Normalize, exact")
  }

  func testRealCIFARImagesThroughEveryProfile() throws {
    let directory = try Fixture.cifarDirectory()
    for cls in ["airplane", "frog", "truck"] {
      let files = try FileManager.default.contentsOfDirectory(
        atPath: directory.appendingPathComponent(cls).path
      ).sorted()
      let image = try ImageFile.read(directory.appendingPathComponent("\(cls)/\(files[0])"))
      XCTAssertEqual(Preprocessing.cifar.apply(image).shape, [3, 32, 32])
      let (values, shape) = Preprocessing.none.apply(image)
      XCTAssertEqual(shape, [3, 224, 224])
      XCTAssertTrue(values.allSatisfy { $0 >= 0 && $0 <= 1 })
    }
  }

  func testProfileLookup() throws {
    XCTAssertEqual(try Preprocessing.profile(named: "imagenet"), .imagenet)
    XCTAssertEqual(try Preprocessing.profile(named: "CIFAR"), .cifar)
    XCTAssertEqual(try Preprocessing.profile(named: "none"), .none)
    XCTAssertNil(Preprocessing.none.mean)
    XCTAssertThrowsError(try Preprocessing.profile(named: "imagnet")) {
      let message = "\($0)"
      XCTAssertTrue(message.contains("did you mean 'imagenet'"), message)
      XCTAssertTrue(message.contains("cifar"), message)
    }
    XCTAssertThrowsError(try Preprocessing.profile(named: "resnet-whatever")) {
      XCTAssertFalse("\($0)".contains("did you mean"), "\($0)")
    }
  }

  /// A model that takes only one size (an ONNX file with fixed height and width) gets the profile
  /// at that size: the crop set to it and the resize before it in the same ratio (timm's floor).
  func testProfilesFittedToAFixedInputSize() {
    XCTAssertEqual(Preprocessing.imagenet.fitted(height: 224, width: 224), .imagenet)
    XCTAssertEqual(Preprocessing.imagenet.fitted(height: 32, width: 32).pixelSteps,
                   [.resizeShorterSide(36), .centerCrop(height: 32, width: 32)])
    XCTAssertEqual(Preprocessing.imagenet.fitted(height: 384, width: 384).pixelSteps,
                   [.resizeShorterSide(438), .centerCrop(height: 384, width: 384)])
    let dinov2 = try! Preprocessing.profile(named: "dinov2").fitted(height: 112, width: 112)
    XCTAssertEqual(dinov2.pixelSteps, [.resizeShorterSideBicubic(128), .centerCrop(height: 112, width: 112)])
    XCTAssertEqual(dinov2.mean, Preprocessing.imagenetMean)
    XCTAssertEqual(Preprocessing.cifar.fitted(height: 64, width: 48).pixelSteps, [.resize(height: 64, width: 48)])
    // The output is the model's size for any image.
    let fitted = Preprocessing.imagenet.fitted(height: 40, width: 56)
    XCTAssertEqual(fitted.outputSize(width: 500, height: 375).width, 56)
    XCTAssertEqual(fitted.outputSize(width: 500, height: 375).height, 40)
  }
}

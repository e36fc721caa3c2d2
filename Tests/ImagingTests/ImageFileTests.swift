import Foundation
import Imaging
import XCTest

final class ImageFileTests: XCTestCase {
  private var directory: URL!

  override func setUpWithError() throws {
    directory = FileManager.default.temporaryDirectory
      .appendingPathComponent("ImagingTests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
  }

  override func tearDownWithError() throws {
    try? FileManager.default.removeItem(at: directory)
  }

  func testReadDetectsFormatByMagicNotExtension() throws {
    // A PNG named .jpg and a JPEG named .png still read correctly.
    let pngData = try Fixture.data("png_rgb8.png")
    let jpegData = try Fixture.data("jpeg_baseline.jpg")
    let fakeJPG = directory.appendingPathComponent("really-a-png.jpg")
    let fakePNG = directory.appendingPathComponent("really-a-jpeg.png")
    try pngData.write(to: fakeJPG)
    try jpegData.write(to: fakePNG)
    assertSameImage(try ImageFile.read(fakeJPG), try Fixture.image("png_rgb8.npy"), "png as .jpg")
    assertSameImage(try ImageFile.read(fakePNG), try Fixture.image("jpeg_baseline.npy"), "jpg as .png")
    XCTAssertEqual(ImageFormat(magic: pngData), .png)
    XCTAssertEqual(ImageFormat(magic: jpegData), .jpeg)
    XCTAssertNil(ImageFormat(magic: Data("hello".utf8)))
  }

  func testReadAppliesOrientationUnlessAskedNotTo() throws {
    let url = try Fixture.url("jpeg_exif6.jpg")
    assertSameImage(try ImageFile.read(url), try Fixture.image("jpeg_exif6.npy"), "upright")
    assertSameImage(
      try ImageFile.read(url, maxPixels: ImageLimits.maxPixels, applyOrientation: false),
      try Fixture.image("jpeg_exif1.npy"), "as stored")
  }

  func testMissingFileErrorNamesIt() {
    let url = directory.appendingPathComponent("nope.png")
    XCTAssertThrowsError(try ImageFile.read(url)) {
      XCTAssertTrue("\($0)".contains("nope.png"), "\($0)")
    }
  }

  func testWriteChoosesFormatByExtensionAndRoundTrips() throws {
    let image = try Fixture.image("jpeg_baseline.npy")
    let png = directory.appendingPathComponent("out.png")
    try ImageFile.write(image, to: png)
    XCTAssertEqual(ImageFormat(magic: try Data(contentsOf: png)), .png)
    XCTAssertEqual(try ImageFile.read(png), image)

    for ext in ["jpg", "JPEG"] {
      let jpg = directory.appendingPathComponent("out.\(ext)")
      try ImageFile.write(image, to: jpg, quality: 90)
      let data = try Data(contentsOf: jpg)
      XCTAssertEqual(ImageFormat(magic: data), .jpeg)
      XCTAssertEqual(data, try JPEGCodec.encode(image, quality: 90))
    }
    XCTAssertThrowsError(try ImageFile.write(image, to: directory.appendingPathComponent("x.gif"))) {
      XCTAssertTrue("\($0)".contains("x.gif"), "\($0)")
    }
  }

  func testWriteIsAtomicAndLeavesNoTemporaryFiles() throws {
    let url = directory.appendingPathComponent("atomic.png")
    let first = RGBImage(width: 8, height: 8, fill: (10, 20, 30))
    let second = RGBImage(width: 5, height: 3, fill: (200, 100, 0))
    try ImageFile.write(first, to: url)
    try ImageFile.write(second, to: url)  // replaces in one rename
    XCTAssertEqual(try ImageFile.read(url), second)
    let names = try FileManager.default.contentsOfDirectory(atPath: directory.path)
    XCTAssertEqual(names, ["atomic.png"], "temporary files left behind: \(names)")
  }

  func testFailedWriteKeepsTheOldFile() throws {
    let url = directory.appendingPathComponent("keep.jpg")
    let image = RGBImage(width: 4, height: 4, fill: (1, 2, 3))
    try ImageFile.write(image, to: url)
    let before = try Data(contentsOf: url)
    XCTAssertThrowsError(try ImageFile.write(image, to: url, quality: 0))
    XCTAssertEqual(try Data(contentsOf: url), before)
    XCTAssertThrowsError(
      try ImageFile.write(image, to: directory.appendingPathComponent("no/such/dir/x.png")))
    XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: directory.path), ["keep.jpg"])
  }
}

import Corruptions
import Imaging
import XCTest

final class ParsingTests: XCTestCase {
  func testNamesAndLists() throws {
    XCTAssertEqual(Corruption.all.count, 19)
    XCTAssertEqual(Corruption.benchmark.count, 15)
    XCTAssertEqual(Corruption.benchmark.last, .jpegCompression)
    XCTAssertEqual(try Corruption(parsing: "Motion-Blur"), .motionBlur)
    XCTAssertEqual(try Corruption.parseList("fog, snow,fog"), [.fog, .snow])
    XCTAssertEqual(try Corruption.parseList("all"), Corruption.all)
    XCTAssertEqual(try Corruption.parseList("benchmark").count, 15)
    XCTAssertEqual(Set(Corruption.all.map(\.family)), ["noise", "blur", "weather", "digital", "extra"])
  }

  func testDidYouMean() {
    XCTAssertThrowsError(try Corruption(parsing: "gausian_noise")) { e in
      XCTAssertEqual(e as? CorruptionError, .unknownCorruption("gausian_noise", suggestion: "gaussian_noise"))
      XCTAssertTrue("\(e)".contains("did you mean 'gaussian_noise'?"), "\(e)")
      XCTAssertFalse("\(e)".contains("\n"))
    }
    XCTAssertThrowsError(try Corruption.parseList("fog,jpeg")) { e in
      XCTAssertTrue("\(e)".contains("did you mean 'jpeg_compression'?"), "\(e)")
    }
    XCTAssertThrowsError(try Corruption.parseList("elastic")) { e in
      XCTAssertTrue("\(e)".contains("'elastic_transform'"), "\(e)")
    }
    XCTAssertThrowsError(try Corruption.parseList(" , "))
  }

  func testSeverities() throws {
    XCTAssertEqual(try Severity.parseList("3"), [3])
    XCTAssertEqual(try Severity.parseList("1,2,5"), [1, 2, 5])
    XCTAssertEqual(try Severity.parseList("2-4"), [2, 3, 4])
    XCTAssertEqual(try Severity.parseList("all"), [1, 2, 3, 4, 5])
    for bad in ["0", "6", "x", "4-9", ""] {
      XCTAssertThrowsError(try Severity.parseList(bad)) { e in
        XCTAssertTrue("\(e)".contains("severities are integers 1 to 5"), "\(e)")
      }
    }
    let img = RGBImage(width: 32, height: 32, fill: (10, 20, 30))
    XCTAssertThrowsError(try Corruptions.apply(img, .fog, severity: 0, seed: 1)) { e in
      XCTAssertEqual(e as? CorruptionError, .invalidSeverity("0"))
    }
    XCTAssertThrowsError(try Corruptions.apply(RGBImage(width: 16, height: 40), .fog, severity: 1, seed: 1)) { e in
      XCTAssertEqual(e as? CorruptionError, .imageTooSmall(width: 16, height: 40))
    }
  }

  func testProfiles() throws {
    XCTAssertEqual(Profile.automatic(width: 32, height: 32), .cifar)
    XCTAssertEqual(Profile.automatic(width: 64, height: 64), .tiny)
    XCTAssertEqual(Profile.automatic(width: 224, height: 224), .imagenet)
    XCTAssertEqual(Profile.automatic(width: 300, height: 200), .imagenet)
    XCTAssertEqual(try Profile.parse("auto"), nil)
    XCTAssertEqual(try Profile.parse("CIFAR"), .cifar)
    XCTAssertEqual(try Profile.parse("imagenet-c"), .imagenetC)
    XCTAssertThrowsError(try Profile.parse("mnist"))
  }
}

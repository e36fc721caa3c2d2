import Corruptions
import Foundation
import Imaging
import XCTest

final class DatasetBuilderTests: XCTestCase {
  func testBuildResumeAndSeeds() throws {
    let tmp = FileManager.default.temporaryDirectory.appendingPathComponent("corr-ds-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: tmp) }
    let input = tmp.appendingPathComponent("in"), output = tmp.appendingPathComponent("out")
    let (cat, _) = try Fixtures.load("cifar_cat")
    let (ship, _) = try Fixtures.load("cifar_ship")
    for (cls, imgs) in [("cat", [cat, ship]), ("ship", [ship])] {
      let d = input.appendingPathComponent(cls)
      try FileManager.default.createDirectory(at: d, withIntermediateDirectories: true)
      for (k, im) in imgs.enumerated() { try ImageFile.write(im, to: d.appendingPathComponent("\(k).png")) }
    }
    let items = try DatasetBuilder.scan(input)
    XCTAssertEqual(items.map(\.className), ["cat", "cat", "ship"])
    let opts = DatasetBuilder.Options(
      corruptions: [.gaussianNoise, .pixelate], severities: [1, 5], baseSeed: 7, profile: .imagenet, format: .png,
      concurrency: 2)
    let calls = LockedCounter()
    let s1 = try DatasetBuilder.build(input: input, output: output, options: opts) { _ in calls.increment() }
    XCTAssertEqual(s1.written, 12)
    XCTAssertEqual(s1.failures, [])
    XCTAssertEqual(calls.value, 3)
    // Outputs equal a direct call with the documented seed.
    let item = items[2]
    let u = DatasetBuilder.outputURL(root: output, item: item, corruption: .gaussianNoise, severity: 5, format: .png)
    XCTAssertEqual(u.path, output.path + "/gaussian_noise/5/ship/0.png")
    let seed = DatasetBuilder.seed(base: 7, fileIndex: 2, corruption: .gaussianNoise, severity: 5)
    XCTAssertEqual(seed, 7 + 200 + 4)
    XCTAssertEqual(
      try ImageFile.read(u), try Corruptions.apply(ship, .gaussianNoise, severity: 5, seed: seed, profile: .imagenet))
    // Resume: everything present is skipped; a deleted output is rebuilt.
    try FileManager.default.removeItem(at: u)
    let s2 = try DatasetBuilder.build(input: input, output: output, options: opts)
    XCTAssertEqual(s2.written, 1)
    XCTAssertEqual(s2.skipped, 11)
    // No temporary files left behind.
    let all = FileManager.default.enumerator(atPath: output.path)!.compactMap { $0 as? String }
    XCTAssertFalse(all.contains { $0.hasSuffix(".tmp") })
    // JPEG q85 naming.
    let j = DatasetBuilder.outputURL(root: output, item: item, corruption: .fog, severity: 1, format: .imagenetC)
    XCTAssertEqual(j.lastPathComponent, "0.jpg")
  }
}

final class LockedCounter: @unchecked Sendable {
  private let lock = NSLock()
  private var n = 0
  func increment() { lock.lock(); n += 1; lock.unlock() }
  var value: Int { lock.lock(); defer { lock.unlock() }; return n }
}

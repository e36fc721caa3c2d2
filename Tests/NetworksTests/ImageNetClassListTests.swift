import Foundation
import Networks
import XCTest

/// The bundled ImageNet-1k class lists: the 1000 WordNet ids (imagenet_wnids.txt) are in label
/// order and align with the class names (imagenet_classes.txt). Reference: WordNet lemmas per id
/// from timm 1.0.31 (Tests/NetworksTests/Fixtures/imagenet_wnid_lemmas.tsv,
/// Scripts/fixtures/make_class_names.py).
final class ImageNetClassListTests: XCTestCase {
  func testWordNetIDsAreSortedUniqueAndAlignWithTheClassNames() throws {
    let ids = ClassNames.imagenetWordNetIDs
    let names = ClassNames.imagenet
    XCTAssertEqual(ids.count, 1000)
    XCTAssertEqual(names.count, 1000)
    XCTAssertEqual(ids, ids.sorted(), "ImageNet's label order is the sorted WordNet ids")
    XCTAssertEqual(Set(ids).count, 1000)
    let url = try XCTUnwrap(Bundle.module.url(forResource: "imagenet_wnid_lemmas", withExtension: "tsv", subdirectory: "Fixtures"))
    let lines = try String(contentsOf: url, encoding: .utf8).split(separator: "\n")
    XCTAssertEqual(lines.count, 1000)
    // torchvision disambiguates two names that WordNet shares: "crane" (the bird) and "maillot".
    let renamed = [134: "crane bird", 639: "maillot tank suit"]
    for (i, line) in lines.enumerated() {
      let parts = line.split(separator: "\t", maxSplits: 1).map(String.init)
      XCTAssertEqual(parts[0], ids[i], "label \(i)")
      let lemmas = parts[1].split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
      if renamed[i] == nil {
        XCTAssertTrue(lemmas.contains(names[i].lowercased()), "label \(i): \(names[i]) is not a lemma of \(ids[i]) (\(parts[1]))")
      } else {
        XCTAssertEqual(names[i], renamed[i])
      }
    }
    XCTAssertEqual(ids[151], "n02085620")
    XCTAssertEqual(names[151], "Chihuahua")
  }
}

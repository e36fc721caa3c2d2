import Evaluation
import Foundation
import Networks
import XCTest

/// Class folders are matched to the model's classes by name (issue: a cat/ and dog/ subset of
/// CIFAR-10 was numbered 0 and 1 and reported 100% error).
final class ClassMapTests: XCTestCase {
  func testSubsetsKeepTheModelsIndices() throws {
    let cifar = try ClassMap(folders: ["dog", "cat"], file: nil, classNames: ClassNames.cifar10)
    XCTAssertEqual(cifar.index, ["cat": 3, "dog": 5])
    XCTAssertFalse(cifar.byPosition)
    // ImageNet-R/-A/-100 style: WordNet ids.
    let wnids = try ClassMap(folders: ["n02085620", "n01440764", "n04592741"], file: nil, classNames: ClassNames.imagenet)
    XCTAssertEqual(wnids.index, ["n01440764": 0, "n02085620": 151, "n04592741": 908])
    // Class names without case, with _ or - for spaces.
    let names = try ClassMap(folders: ["Golden_Retriever", "great-white-shark", "TENCH"], file: nil, classNames: ClassNames.imagenet)
    XCTAssertEqual(names.index, ["Golden_Retriever": 207, "great-white-shark": 2, "TENCH": 0])
  }

  func testUnmatchedFoldersAreAnErrorNamingThem() {
    XCTAssertThrowsError(try ClassMap(folders: ["cat", "kitten", "puppy"], file: nil, classNames: ClassNames.cifar10)) { error in
      XCTAssertEqual(
        "\(error)",
        "2 of 3 class folders match none of the model's 10 classes by name: 'kitten', 'puppy'; give --class-map FILE with folder,class lines")
    }
    // A name two classes share matches neither; a 1000-class model also takes WordNet ids.
    XCTAssertThrowsError(try ClassMap(folders: ["a_b"], file: nil, classNames: ["A b", "a-B", "c"])) { error in
      XCTAssertTrue("\(error)".contains("'a_b'"), "\(error)")
    }
    XCTAssertThrowsError(try ClassMap(folders: ["n99999999"], file: nil, classNames: ClassNames.imagenet)) { error in
      XCTAssertTrue("\(error)".contains("'n99999999'") && "\(error)".contains("or WordNet id"), "\(error)")
    }
  }

  func testAFullSetOfUnmatchedFoldersIsNumberedByPosition() throws {
    let map = try ClassMap(folders: ["b", "a", "c"], file: nil, classNames: ["x", "y", "z"])
    XCTAssertEqual(map.index, ["a": 0, "b": 1, "c": 2])
    XCTAssertTrue(map.byPosition)
  }

  func testClassMapFileTakesIndicesNamesAndWordNetIDs() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("classmap-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let file = dir.appendingPathComponent("map.csv")
    try "folder,class\n# comment\nkitten,cat\npuppy,5\n".write(to: file, atomically: true, encoding: .utf8)
    let map = try ClassMap(folders: ["kitten", "puppy"], file: file.path, classNames: ClassNames.cifar10)
    XCTAssertEqual(map.index["kitten"], 3)
    XCTAssertEqual(map.index["puppy"], 5)
    try "folder,class\nfish,n01440764\nkitten,Tabby\n".write(to: file, atomically: true, encoding: .utf8)
    let imagenet = try ClassMap(folders: ["fish", "kitten"], file: file.path, classNames: ClassNames.imagenet)
    XCTAssertEqual(imagenet.index, ["fish": 0, "kitten": 281])
    try "folder,class\n# comment\nkitten,cat\npuppy,5\nfish,n01440764\n".write(to: file, atomically: true, encoding: .utf8)
    XCTAssertThrowsError(try ClassMap(folders: ["kitten"], file: file.path, classNames: ClassNames.cifar10)) { error in
      XCTAssertTrue("\(error)".contains("map.csv:5: expected folder,class"), "\(error)")  // a WordNet id for a 10-class model
    }
    try "kitten,cat\n".write(to: file, atomically: true, encoding: .utf8)
    XCTAssertThrowsError(try ClassMap(folders: ["kitten", "puppy"], file: file.path, classNames: ClassNames.cifar10)) { error in
      XCTAssertTrue("\(error)".contains("no class for class folder(s) 'puppy'"), "\(error)")
    }
  }
}

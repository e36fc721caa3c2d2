import AtomicFiles
import Foundation
import XCTest

#if canImport(Glibc)
  import Glibc
#endif

/// The output plan every writing command uses: outputs checked before the work, all written or
/// none, nothing left behind on failure (a failing writer simulates a full disk), inputs never
/// overwritten, symbolic links written through, devices written in place.
final class OutputPlanTests: XCTestCase {
  private var dir: URL!

  override func setUpWithError() throws {
    dir = FileManager.default.temporaryDirectory.appendingPathComponent("outputplan-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
  }

  override func tearDownWithError() throws { try? FileManager.default.removeItem(at: dir) }

  private func path(_ name: String) -> String { dir.appendingPathComponent(name).path }
  private func listing(_ folder: URL? = nil) throws -> [String] {
    try FileManager.default.contentsOfDirectory(atPath: (folder ?? dir).path).sorted()
  }

  func testAllOutputsAppearOnlyAtCommit() throws {
    let plan = OutputPlan()
    try plan.write(Data("a".utf8), to: path("a.txt"))
    try plan.write(Data("b".utf8), to: path("b.txt"))
    XCTAssertFalse(FileManager.default.fileExists(atPath: path("a.txt")))
    try plan.commit()
    XCTAssertEqual(try listing(), ["a.txt", "b.txt"])
    XCTAssertEqual(try String(contentsOfFile: path("b.txt"), encoding: .utf8), "b")
  }

  func testFailedWriteRemovesItsPartialFile() throws {
    // The second write fails as on a full disk, after writing part of its bytes.
    var calls = 0
    do {
      let plan = OutputPlan { (data: Data, url: URL) throws(FileBytes.Failure) in
        calls += 1
        if calls == 2 {
          FileManager.default.createFile(atPath: url.path, contents: data.prefix(1))
          throw FileBytes.Failure("No space left on device")
        }
        try FileBytes.writeNew(data, to: url)
      }
      let maps = try plan.folder(path("maps"))
      try plan.write(Data("one".utf8), to: maps.appendingPathComponent("1.npy").path)
      XCTAssertThrowsError(try plan.write(Data("two".utf8), to: path("2.csv"))) { error in
        XCTAssertEqual("\(error)", "cannot write \(self.path("2.csv")): No space left on device")
      }
      // The partial temporary file of the failed write is gone at once; the first output is
      // still a temporary file in the created folder.
      XCTAssertEqual(try listing(), ["maps"])
      XCTAssertEqual(try listing(maps).count, 1)
      XCTAssertTrue(try listing(maps)[0].hasSuffix(".tmp"))
    }
    // Released without a commit (the command failed): the temporary file and the folder go.
    XCTAssertEqual(try listing(), [])
  }

  func testReleasedPlanRemovesEverything() throws {
    func failingRun() throws {
      let plan = OutputPlan { (data: Data, url: URL) throws(FileBytes.Failure) in
        if url.lastPathComponent.contains("2.csv") { throw FileBytes.Failure("No space left on device") }
        try FileBytes.writeNew(data, to: url)
      }
      let maps = try plan.folder(path("maps"))
      try plan.write(Data("one".utf8), to: maps.appendingPathComponent("1.npy").path)
      try plan.write(Data("two".utf8), to: path("2.csv"))
      try plan.commit()
    }
    XCTAssertThrowsError(try failingRun())
    XCTAssertEqual(try listing(), [], "a failed run left files behind")
  }

  func testFolderThatExistedIsKept() throws {
    let existing = dir.appendingPathComponent("out")
    try FileManager.default.createDirectory(at: existing, withIntermediateDirectories: false)
    do {
      let plan = OutputPlan()
      try plan.folder(existing.path)
      try plan.write(Data("x".utf8), to: existing.appendingPathComponent("x").path)
    }
    XCTAssertEqual(try listing(), ["out"])
    XCTAssertEqual(try listing(existing), [])
  }

  func testOutputLocationsAreCheckedFirst() throws {
    let plan = OutputPlan()
    XCTAssertThrowsError(try plan.file(path("missing/x.csv"))) { XCTAssertTrue("\($0)".contains("does not exist"), "\($0)") }
    XCTAssertThrowsError(try plan.file(dir.path)) { XCTAssertTrue("\($0)".contains("is a directory"), "\($0)") }
    FileManager.default.createFile(atPath: path("file"), contents: Data())
    XCTAssertThrowsError(try plan.file(path("file/x.csv"))) { XCTAssertTrue("\($0)".contains("not a folder"), "\($0)") }
    XCTAssertThrowsError(try plan.folder(path("file"))) { XCTAssertTrue("\($0)".contains("not a folder"), "\($0)") }
    try plan.file(path("a.csv"))
    XCTAssertThrowsError(try plan.file(path("a.csv"))) { XCTAssertTrue("\($0)".contains("also the output"), "\($0)") }
  }

  func testInputIsNeverAnOutputEvenThroughALink() throws {
    FileManager.default.createFile(atPath: path("in.png"), contents: Data("input".utf8))
    try FileManager.default.createSymbolicLink(atPath: path("link.png"), withDestinationPath: path("in.png"))
    try FileManager.default.linkItem(atPath: path("in.png"), toPath: path("hard.png"))
    let plan = OutputPlan(inputs: [path("in.png")])
    for name in ["in.png", "link.png", "hard.png"] {
      XCTAssertThrowsError(try plan.file(path(name))) {
        XCTAssertTrue("\($0)".contains("same file as the input"), "\($0)")
      }
    }
    XCTAssertEqual(try String(contentsOfFile: path("in.png"), encoding: .utf8), "input")
  }

  func testSymbolicLinkIsWrittenThrough() throws {
    FileManager.default.createFile(atPath: path("target.csv"), contents: Data("old".utf8))
    try FileManager.default.createSymbolicLink(atPath: path("link.csv"), withDestinationPath: "target.csv")
    let plan = OutputPlan()
    try plan.write(Data("new".utf8), to: path("link.csv"))
    try plan.commit()
    XCTAssertEqual(try FileManager.default.destinationOfSymbolicLink(atPath: path("link.csv")), "target.csv")
    XCTAssertEqual(try String(contentsOfFile: path("target.csv"), encoding: .utf8), "new")
    try FileManager.default.createSymbolicLink(atPath: path("dangling.csv"), withDestinationPath: "nowhere/x")
    XCTAssertThrowsError(try plan.file(path("dangling.csv"))) { XCTAssertTrue("\($0)".contains("symbolic link"), "\($0)") }
  }

  func testDevicesAndPipesAreWrittenInPlace() throws {
    let plan = OutputPlan()
    try plan.write(Data("discarded".utf8), to: "/dev/null")
    XCTAssertEqual(mkfifo(path("fifo"), 0o600), 0)
    let fifoOutput = try plan.file(path("fifo"))
    try plan.write(Data("through the pipe".utf8), to: fifoOutput)
    // Read the FIFO on another thread while commit writes it.
    final class Box: @unchecked Sendable { var data: Data? }
    let box = Box()
    let done = DispatchSemaphore(value: 0)
    let fifo = path("fifo")
    DispatchQueue.global().async {
      // Plain read(2): Foundation refuses to read a FIFO.
      let fd = open(fifo, O_RDONLY)
      var data = Data()
      var buffer = [UInt8](repeating: 0, count: 256)
      while fd >= 0 {
        let n = read(fd, &buffer, buffer.count)
        if n <= 0 { break }
        data.append(contentsOf: buffer[0..<n])
      }
      close(fd)
      box.data = data
      done.signal()
    }
    try plan.commit()
    done.wait()
    XCTAssertEqual(box.data.map { String(decoding: $0, as: UTF8.self) }, "through the pipe")
    var info = stat()
    XCTAssertEqual(stat("/dev/null", &info), 0)
    XCTAssertEqual(info.st_mode & S_IFMT, S_IFCHR, "/dev/null was replaced")
    XCTAssertEqual(try listing(), ["fifo"], "a temporary file was left")
  }

  func testLinkToAnAnonymousPipeIsWrittenThrough() throws {
    // `/dev/stdout` when stdout is a pipe: a link to /proc/self/fd/N, whose target `pipe:[N]`
    // is no path (realpath fails), yet writing through the link reaches the pipe.
    var fds: [Int32] = [0, 0]
    XCTAssertEqual(pipe(&fds), 0)
    defer { close(fds[0]) }
    try FileManager.default.createSymbolicLink(atPath: path("stdout"), withDestinationPath: "/proc/self/fd/\(fds[1])")
    let location = try OutputLocation(URL(fileURLWithPath: path("stdout")))
    XCTAssertTrue(location.isStream)
    let plan = OutputPlan()
    try plan.write(Data("row\n".utf8), to: path("stdout"), allowStdout: true)
    try plan.commit()
    close(fds[1])
    var buffer = [UInt8](repeating: 0, count: 16)
    XCTAssertEqual(read(fds[0], &buffer, 16), 4)
    XCTAssertEqual(Array(buffer[0..<4]), Array("row\n".utf8))
    XCTAssertEqual(try listing(), ["stdout"], "the link was replaced or a temporary file left")
  }

  func testDashIsStdoutOnlyForTextOutputs() throws {
    let plan = OutputPlan()
    XCTAssertTrue(try plan.file("-", allowStdout: true).isStdout)
    XCTAssertThrowsError(try plan.file("-", allowStdout: true))
    // Without allowStdout, "-" is a file name like any other (checked in the current folder).
    XCTAssertFalse(try OutputPlan().file("-").isStdout)
  }
}

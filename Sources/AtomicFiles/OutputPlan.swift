import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// All outputs of one command run, all or nothing.
///
/// Every output location is checked when it is added, before the work starts (its folder exists
/// and is a folder, it is not a folder itself, it is not the same file as an input or another
/// output, by device and inode and through symbolic links). ``write(_:to:)`` puts the bytes in
/// a temporary file beside the destination and stops at the first failure; ``commit()``
/// renames every temporary file into place, then writes the streams (`-` for stdout, character
/// devices, pipes). A plan that is released without a commit, because the run failed, removes
/// its temporary files and the folders it created, so a failed run leaves nothing behind.
public final class OutputPlan {
  /// One checked output.
  public struct Output: Equatable, Sendable {
    /// The path as given on the command line (`-` for stdout).
    public let path: String
    let location: OutputLocation?
    /// Whether this output is stdout.
    public var isStdout: Bool { location == nil }
  }

  /// Writes bytes to a new file; replaced in tests to simulate a full disk.
  public typealias Writer = (Data, URL) throws(FileBytes.Failure) -> Void

  private let writer: Writer
  private var inputs: [(path: String, identity: FileIdentity)] = []
  /// The outputs by resolved path and by existing file, so a run of thousands of files checks
  /// each one for a clash in constant time.
  private var outputByPath: [String: String] = [:]
  private var outputByIdentity: [FileIdentity: String] = [:]
  private var hasStdout = false
  private var staged: [(temporary: URL, output: Output)] = []
  private var streams: [(data: Data, output: Output)] = []
  private var createdFolders: [URL] = []
  private var committed = false

  /// A plan protecting `inputs` (paths that do not exist are ignored).
  public init(inputs: [String] = [], writer: @escaping Writer = FileBytes.writeNew) {
    self.writer = writer
    for path in inputs { addInput(path) }
  }

  /// Protects one more input file from being written over.
  public func addInput(_ path: String) {
    if let id = FileIdentity(path), id.kind == S_IFREG { inputs.append((path, id)) }
  }

  /// Checks `path` as an output file; `-` is stdout when `allowStdout` (text outputs).
  /// - Throws: ``OutputPlanError`` naming the file and the problem.
  @discardableResult
  public func file(_ path: String, allowStdout: Bool = false) throws(OutputPlanError) -> Output {
    if path == "-" && allowStdout {
      guard !hasStdout else { throw OutputPlanError(path, "stdout is already an output of this run") }
      hasStdout = true
      return Output(path: path, location: nil)
    }
    let location: OutputLocation
    do { location = try OutputLocation(URL(fileURLWithPath: path)) } catch { throw OutputPlanError(path, error.reason) }
    if let id = location.identity, id.kind == S_IFREG {
      if let input = inputs.first(where: { $0.identity == id }) {
        throw OutputPlanError(path, "is the same file as the input \(input.path); refusing to overwrite an input")
      }
    }
    let key = location.resolved.standardizedFileURL.path
    if let other = outputByPath[key] ?? location.identity.flatMap({ outputByIdentity[$0] }) {
      throw OutputPlanError(path, "is also the output \(other) of this run")
    }
    outputByPath[key] = path
    if let id = location.identity { outputByIdentity[id] = path }
    return Output(path: path, location: location)
  }

  /// Checks `path` as an output folder and creates it if missing (its parent must exist); a
  /// folder created here is removed again if the run fails.
  /// - Throws: ``OutputPlanError`` naming the folder and the problem.
  @discardableResult
  public func folder(_ path: String) throws(OutputPlanError) -> URL {
    let url = URL(fileURLWithPath: path)
    do { if try OutputLocation.checkFolder(path) { return url } } catch { throw OutputPlanError(path, error.reason) }
    guard mkdir(path, 0o777) == 0 else { throw OutputPlanError(path, String(cString: strerror(errno))) }
    createdFolders.append(url)
    return url
  }

  /// Writes `data` for `output` (to a temporary file, or kept for a stream until ``commit()``).
  /// - Throws: ``OutputPlanError`` naming the destination; the plan removes everything on release.
  public func write(_ data: Data, to output: Output) throws(OutputPlanError) {
    guard let location = output.location, !location.isStream else {
      streams.append((data, output))
      return
    }
    do {
      let temporary = try AtomicWrite.stage(data, for: location.resolved, writer: writer)
      staged.append((temporary, output))
    } catch {
      if case .write(_, _, let reason) = error { throw OutputPlanError(output.path, reason) }
      throw OutputPlanError(output.path, error.description)
    }
  }

  /// Checks `path` as an output file (see ``file(_:allowStdout:)``) and writes `data` for it.
  public func write(_ data: Data, to path: String, allowStdout: Bool = false) throws(OutputPlanError) {
    try write(data, to: try file(path, allowStdout: allowStdout))
  }

  /// Renames every temporary file into place, then writes the streams. On a failure the files
  /// this run created are removed.
  public func commit() throws(OutputPlanError) {
    var renamed: [Output] = []
    for (i, (temporary, output)) in staged.enumerated() {
      do { try AtomicWrite.commit(temporary, to: output.location!.resolved) } catch {
        for (t, _) in staged[(i + 1)...] { unlink(t.path) }
        for o in renamed where !o.location!.existed { unlink(o.location!.resolved.path) }
        staged = []
        throw OutputPlanError(output.path, error.description)
      }
      renamed.append(output)
    }
    staged = []
    committed = true
    for (data, output) in streams {
      do {
        if let location = output.location {
          try FileBytes.writeStream(data, to: location.resolved)
        } else {
          try FileBytes.writeAll(data, to: STDOUT_FILENO)
        }
      } catch {
        throw OutputPlanError(output.isStdout ? "stdout" : output.path, error.reason)
      }
    }
    streams = []
  }

  /// Removes the temporary files and created folders of an uncommitted plan.
  public func discard() {
    for (temporary, _) in staged { unlink(temporary.path) }
    staged = []
    streams = []
    if !committed {
      for folder in createdFolders.reversed() { try? FileManager.default.removeItem(at: folder) }
    }
    createdFolders = []
  }

  deinit { if !committed { discard() } }
}

/// Why an output of a run cannot be written: `cannot write PATH: reason`.
public struct OutputPlanError: Error, CustomStringConvertible, Equatable {
  public let path: String
  public let reason: String
  public init(_ path: String, _ reason: String) {
    self.path = path
    self.reason = reason
  }
  public var description: String { "cannot write \(path): \(reason)" }
}

import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Reading a whole input file, the one implementation the readers share: the path is checked
/// first (a device, FIFO or folder is refused as "not a regular file" or "is a directory"
/// instead of blocking or failing with a permission message), and failures are one line.
public enum InputFile {
  /// The bytes of the regular file at `url`, memory-mapped when `mapped` (and not empty).
  /// - Throws: ``FileBytes/Failure`` saying what is wrong (the caller names the file).
  public static func read(_ url: URL, mapped: Bool = false, maxBytes: Int? = nil) throws(FileBytes.Failure) -> Data {
    var info = stat()
    guard stat(url.path, &info) == 0 else { throw FileBytes.Failure.errno }
    switch info.st_mode & S_IFMT {
    case S_IFREG: break
    case S_IFDIR: throw FileBytes.Failure("is a directory, not a file")
    default: throw FileBytes.Failure("not a regular file (a device, pipe or socket)")
    }
    let size = Int(info.st_size)
    if let maxBytes, size > maxBytes {
      throw FileBytes.Failure("\(size) bytes is more than the limit of \(maxBytes)")
    }
    if size == 0 { return Data() }  // mmap of an empty file fails on Linux
    do {
      return try Data(contentsOf: url, options: mapped ? .alwaysMapped : [])
    } catch {
      throw FileBytes.Failure(foundation: error, fallback: "cannot read")
    }
  }
}

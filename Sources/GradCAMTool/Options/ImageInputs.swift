import Foundation
import Imaging

/// Image files named on the command line: files as given, folders searched recursively.
enum ImageInputs {
  static let extensions: Set<String> = ["png", "jpg", "jpeg"]

  /// The image files of `paths`, folders expanded (sorted), in order; missing paths are errors.
  static func files(_ paths: [String]) throws -> [URL] {
    var out: [URL] = []
    for path in paths {
      var isDirectory: ObjCBool = false
      guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
        throw CLIError("\(path): no such file or folder")
      }
      if isDirectory.boolValue {
        let root = URL(fileURLWithPath: path)
        let found = (FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil)?.allObjects as? [URL] ?? [])
          .filter { extensions.contains($0.pathExtension.lowercased()) }
          .sorted { $0.path < $1.path }
        guard !found.isEmpty else { throw CLIError("\(path): no .png or .jpg images in this folder") }
        out += found
      } else {
        out.append(URL(fileURLWithPath: path))
      }
    }
    return out
  }
}

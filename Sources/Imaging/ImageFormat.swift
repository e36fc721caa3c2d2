import Foundation

/// The file formats the toolkit reads and writes.
public enum ImageFormat: String, Sendable, CaseIterable {
  case png
  case jpeg

  /// The format whose signature starts `data`, or nil.
  /// PNG: `89 50 4E 47 0D 0A 1A 0A`; JPEG: SOI `FF D8 FF`.
  public init?(magic data: Data) {
    let head = [UInt8](data.prefix(8))
    if head == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] {
      self = .png
    } else if head.count >= 3, head[0] == 0xFF, head[1] == 0xD8, head[2] == 0xFF {
      self = .jpeg
    } else {
      return nil
    }
  }

  /// The format for a path extension (`png`, `jpg`, `jpeg`, `jpe`; any case), or nil.
  public init?(pathExtension: String) {
    switch pathExtension.lowercased() {
    case "png": self = .png
    case "jpg", "jpeg", "jpe": self = .jpeg
    default: return nil
    }
  }
}

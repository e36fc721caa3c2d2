import Foundation

/// `--shard i/N`: image indices i, i+N, i+2N, ... (0-based i).
public struct Shard: Equatable, Sendable {
  public var index: Int
  public var count: Int

  public init(index: Int, count: Int) {
    self.index = index
    self.count = count
  }

  /// Parses `i/N` with 0 <= i < N.
  public init(parsing text: String) throws {
    let parts = text.split(separator: "/")
    guard parts.count == 2, let i = Int(parts[0]), let n = Int(parts[1]), n >= 1, i >= 0, i < n else {
      throw EvaluationError.format("--shard must be i/N with 0 <= i < N (e.g. 0/4), got '\(text)'")
    }
    self.init(index: i, count: n)
  }

  public func images(of total: Int) -> [Int] { Array(stride(from: index, to: total, by: count)) }
}

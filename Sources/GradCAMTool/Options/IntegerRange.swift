import ArgumentParser

/// Checks a user's integer against its allowed range before any arithmetic uses it (so that
/// `--batch-size 9223372036854775807` is a usage error, not an overflow trap).
/// - Throws: `ValidationError` (exit status 64) naming the flag and the range.
func requireRange(_ value: Int, _ range: ClosedRange<Int>, _ flag: String) throws {
  guard range.contains(value) else {
    throw ValidationError("\(flag) must be in \(range.lowerBound)...\(range.upperBound), got \(value)")
  }
}

/// Largest `--batch-size` of any command: far beyond what fits in memory for any model, small
/// enough that sizes derived from it cannot overflow.
let maximumBatchSize = 65_536

// Splitting one fuzz input into the several files a target reads.
import Foundation

/// The marker between the files of one fuzz input.
let partMarker = Data("\n#--\n".utf8)

/// `data` split at its first `maximum - 1` markers: at most `maximum` parts, the last holding
/// the rest (and any further markers). An input without a marker is one part.
func markedParts(_ data: Data, maximum: Int) -> [Data] {
  var parts: [Data] = []
  var rest = data
  while parts.count < maximum - 1, let r = rest.range(of: partMarker) {
    parts.append(Data(rest[rest.startIndex..<r.lowerBound]))
    rest = rest[r.upperBound...]
  }
  parts.append(Data(rest))
  return parts
}

import AtomicFiles
import Foundation
import Imaging
import NPY

/// A memory-mapped .npy of uint8 images [count, H, W, 3] (C order), its header checked by
/// `NPYHeader` (the one .npy parser).
struct MappedImages: @unchecked Sendable {
  let data: Data
  let offset: Int
  let count: Int
  let height: Int
  let width: Int

  init(_ url: URL) throws {
    data = try Self.map(url)
    let header: NPYHeader
    do { header = try NPYHeader(parsing: data) } catch { throw EvaluationError.format("\(url.path): \(error)") }
    let shape = header.shape
    guard header.elementType == .uint8, shape.count == 4, shape[3] == 3 else {
      throw EvaluationError.format(
        "\(url.path): expected uint8 images [N, H, W, 3], got \(header.elementType.rawValue) \(shape)")
    }
    guard shape[1] > 0, shape[2] > 0 else {
      throw EvaluationError.format("\(url.path): images of \(shape[2])x\(shape[1]) pixels")
    }
    // Checked before multiplying: with no images the header's total size is 0 whatever the
    // height and width say.
    let pixels = shape[1].multipliedReportingOverflow(by: shape[2])
    guard !pixels.overflow, pixels.partialValue <= ImageLimits.maxPixels else {
      throw EvaluationError.format(
        "\(url.path): images of \(shape[2])x\(shape[1]) pixels exceed the limit of \(ImageLimits.maxPixels) pixels")
    }
    offset = header.dataOffset
    (count, height, width) = (shape[0], shape[1], shape[2])
  }

  func image(_ k: Int) -> RGBImage {
    let size = height * width * 3
    let start = data.startIndex + offset + k * size
    return RGBImage(width: width, height: height, pixels: [UInt8](data[start..<(start + size)]))
  }

  /// Integer labels of a 1-D .npy (any integer type), each at least 0.
  static func readLabels(_ url: URL) throws -> [Int] {
    let array: NPYArray
    do { array = try NPYArray(data: try map(url)) } catch let error as EvaluationError { throw error } catch {
      throw EvaluationError.format("\(url.path): \(error)")
    }
    guard array.shape.count == 1 else { throw EvaluationError.format("\(url.path): labels must be 1-D, got \(array.shape)") }
    guard [.uint8, .int8, .int16, .int32, .int64].contains(array.elementType) else {
      throw EvaluationError.format("\(url.path): labels must be integers, got \(array.elementType.rawValue)")
    }
    let labels = array.doubles
    if let bad = labels.first(where: { $0 < 0 || $0 > Double(Int32.max) }) {
      throw EvaluationError.format("\(url.path): label \(Int64(bad)) is out of range")
    }
    return labels.map { Int($0) }
  }

  /// The file memory-mapped; a missing file, a folder or a device is refused by name.
  static func map(_ url: URL) throws -> Data {
    do throws(FileBytes.Failure) { return try InputFile.read(url, mapped: true) } catch {
      throw EvaluationError.io("cannot read \(url.path): \(error.reason)")
    }
  }
}

import Foundation
import Imaging

extension ImageFile {
  /// Reads an image for a model: decoded, and its size after `preprocessing` checked
  /// (`Preprocessing.maximumStepPixels`), errors naming the file.
  static func read(_ url: URL, for preprocessing: Preprocessing) throws -> RGBImage {
    let image = try read(url)
    do { try preprocessing.checkSizes(width: image.width, height: image.height) } catch let error as ImageError {
      throw error.prefixed(url.path)
    }
    return image
  }
}

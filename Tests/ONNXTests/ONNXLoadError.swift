import Autodiff
import Foundation
import ONNX
import XCTest

/// Loads the ONNX file at `url` (and, with `running`, runs one forward pass on zeros) and returns
/// the error it must fail with, checked to be one line naming the file; records a failure (and
/// returns nil) when it loads and runs, or fails with another error.
func onnxLoadError(_ url: URL, limits: ONNXLimits = ONNXLimits(), running: Bool = false,
                   file: StaticString = #filePath, line: UInt = #line) -> ONNXError? {
  do {
    let model = try ONNXClassifier(url: url, limits: limits)
    if running { _ = try model.checkedForward(Tensor.zeros([1, 3, model.input.height, model.input.width])) }
    XCTFail("\(url.lastPathComponent) loaded\(running ? " and ran" : "")", file: file, line: line)
    return nil
  } catch let e as ONNXError {
    let text = "\(e)"
    XCTAssertTrue(text.hasPrefix(url.path + ": "), "names the file: \(text)", file: file, line: line)
    XCTAssertFalse(text.contains("\n"), "one line: \(text)", file: file, line: line)
    return e
  } catch {
    XCTFail("not an ONNXError: \(error)", file: file, line: line)
    return nil
  }
}

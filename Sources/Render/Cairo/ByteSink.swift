internal import CCairo
import Foundation

/// Collects the bytes Cairo writes through a `cairo_write_func_t` stream callback.
final class ByteSink {
  var data = Data()

  /// Opaque pointer to pass as the callback's closure argument; valid while `self` lives.
  var opaque: UnsafeMutableRawPointer { Unmanaged.passUnretained(self).toOpaque() }

  /// The C callback: appends `length` bytes to the sink named by `closure`.
  static let write: cairo_write_func_t = { closure, bytes, length in
    guard let closure, let bytes else { return CAIRO_STATUS_WRITE_ERROR }
    let sink = Unmanaged<ByteSink>.fromOpaque(closure).takeUnretainedValue()
    sink.data.append(bytes, count: Int(length))
    return CAIRO_STATUS_SUCCESS
  }
}

/// Throws `RenderError.cairo` when `status` is not success.
func checkCairo(_ status: cairo_status_t, _ what: @autoclosure () -> String) throws {
  guard status == CAIRO_STATUS_SUCCESS else {
    let message = cairo_status_to_string(status).map { String(cString: $0) } ?? "status \(status)"
    throw RenderError.cairo("\(what()): \(message)")
  }
}

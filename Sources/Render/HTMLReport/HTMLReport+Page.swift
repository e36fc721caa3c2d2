import AtomicFiles
import Foundation
import Imaging

extension HTMLReport {
  /// The page: one HTML file with every image, map, colour table, style and script inside.
  /// - Throws: `RenderError.invalidInput` for an empty report, panels whose rows or columns do
  ///   not match the headers, a JPEG quality outside 1...100 or a colour map the page does not
  ///   offer; an encoder error as `RenderError.invalidInput` too.
  public func html() throws -> Data {
    try validate()
    let range = mapRange()
    let payload = Payload(
      title: title, subtitle: subtitle, rows: rowHeaders, columns: columnHeaders,
      mapRange: [range.lo, range.hi], jpegQuality: jpegQuality,
      display: .init(colorMap: display.colorMap.rawValue, sharedScale: display.sharedScale, imageWeight: display.imageWeight),
      colorMaps: Dictionary(uniqueKeysWithValues: Self.colorMaps.map { ($0.rawValue, Self.hex($0.table)) }),
      differenceColorMap: Self.hex(ColorMap.rdBu.table),
      panels: try panels.map { p in
        try PanelPayload(
          title: p.title, subtitle: p.subtitle, clean: cellPayload(p.clean, range),
          cells: p.cells.map { row in try row.map { try cellPayload($0, range) } })
      })
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.withoutEscapingSlashes]
    encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
    // "<" never appears in base64; escaping it keeps labels from closing the script element.
    let json = String(decoding: try encoder.encode(payload), as: UTF8.self).replacingOccurrences(of: "<", with: "\\u003c")
    let page = """
      <!DOCTYPE html>
      <html lang="en">
      <head>
      <meta charset="utf-8">
      <meta name="viewport" content="width=device-width, initial-scale=1">
      <meta name="generator" content="gradcam HTMLReport">
      <title>\(Self.escaped(title))</title>
      <script>\(HTMLReportScript.errorHook)</script>
      <style>\(HTMLReportStyle.css)</style>
      </head>
      <body>
      \(HTMLReportMarkup.body)
      <script type="application/json" id="report-data">\(json)</script>
      <script>\(HTMLReportScript.main)</script>
      </body>
      </html>

      """
    return Data(page.utf8)
  }

  /// Writes the page atomically (temporary file in the same folder, then rename) and returns
  /// its size in bytes; compare with ``sizeWarningBytes``.
  @discardableResult
  public func write(to url: URL) throws -> Int {
    let data = try html()
    do throws(AtomicWriteError) { try AtomicWrite.write(data, to: url) } catch { throw RenderError(error) }
    return data.count
  }

  private func validate() throws {
    guard !panels.isEmpty else { throw RenderError.invalidInput("the HTML report has no panels") }
    guard !rowHeaders.isEmpty else { throw RenderError.invalidInput("the HTML report has no rows") }
    guard (1...100).contains(jpegQuality) else {
      throw RenderError.invalidInput("JPEG quality must lie in 1...100, got \(jpegQuality)")
    }
    guard Self.colorMaps.contains(display.colorMap) else {
      throw RenderError.invalidInput(
        "the HTML report offers the colour maps \(Self.colorMaps.map(\.rawValue).joined(separator: ", ")), not \(display.colorMap.rawValue)")
    }
    guard (0...1).contains(display.imageWeight) else {
      throw RenderError.invalidInput("image weight must lie in [0, 1], got \(display.imageWeight)")
    }
    for p in panels {
      guard p.cells.count == rowHeaders.count, p.cells.allSatisfy({ $0.count == columnHeaders.count }) else {
        throw RenderError.invalidInput(
          "panel '\(p.title)' is not \(rowHeaders.count) rows of \(columnHeaders.count) cells")
      }
      for c in [p.clean] + p.cells.joined() {
        guard c.image.width > 0, c.image.height > 0, c.map.width > 0, c.map.height > 0 else {
          throw RenderError.invalidInput("panel '\(p.title)' has an empty image or map")
        }
      }
    }
  }

  /// The smallest and largest finite map value over the report: every map is quantised to 8
  /// bits over this one range, so the page can show them per cell or on a shared scale.
  func mapRange() -> (lo: Float, hi: Float) {
    var lo = Float.infinity, hi = -Float.infinity
    for p in panels {
      for c in [p.clean] + p.cells.joined() {
        if let r = c.map.range {
          lo = min(lo, r.min)
          hi = max(hi, r.max)
        }
      }
    }
    if lo > hi { return (0, 1) }
    return lo == hi ? (lo, lo + 1) : (lo, hi)
  }

  /// `round(255 * (v - lo) / (hi - lo))`, clamped; NaN becomes 0.
  static func quantised(_ map: ScalarMap, lo: Float, hi: Float) -> [UInt8] {
    let scale = 255 / (hi - lo)
    return map.values.map { v in v.isNaN ? 0 : UInt8(min(max(((v - lo) * scale).rounded(), 0), 255)) }
  }

  private func cellPayload(_ c: Cell, _ range: (lo: Float, hi: Float)) throws -> CellPayload {
    let jpeg: Data, png: Data
    do {
      jpeg = try JPEGCodec.encode(c.image, quality: jpegQuality)
      png = try PNGCodec.encodeGrey(
        Self.quantised(c.map, lo: range.lo, hi: range.hi), width: c.map.width, height: c.map.height, compression: 9)
    } catch {
      throw RenderError.invalidInput("cannot encode a cell of the HTML report: \(error)")
    }
    return CellPayload(
      image: "data:image/jpeg;base64," + jpeg.base64EncodedString(),
      map: "data:image/png;base64," + png.base64EncodedString(),
      top: c.top.prefix(5).map { .init(label: $0.label, probability: $0.probability) }, correct: c.correct,
      shift: c.shift.map {
        .init(rankCorrelation: $0.rankCorrelation, topIoU: $0.topIoU, centerShift: $0.centerShift, entropyChange: $0.entropyChange)
      },
      centerOfMass: [c.centerOfMass.x, c.centerOfMass.y])
  }

  static func hex(_ bytes: [UInt8]) -> String {
    let digits = Array("0123456789abcdef".utf8)
    var out = [UInt8]()
    out.reserveCapacity(bytes.count * 2)
    for b in bytes {
      out.append(digits[Int(b >> 4)])
      out.append(digits[Int(b & 15)])
    }
    return String(decoding: out, as: UTF8.self)
  }

  /// Text made safe for HTML element content.
  static func escaped(_ text: String) -> String {
    text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
      .replacingOccurrences(of: ">", with: "&gt;")
  }
}

/// The JSON the page's script reads (one `<script type="application/json">` element).
private struct Payload: Encodable {
  struct Display: Encodable {
    var colorMap: String
    var sharedScale: Bool
    var imageWeight: Double
  }
  var title: String
  var subtitle: String
  var rows: [String]
  var columns: [String]
  /// The range the 8-bit maps were quantised over.
  var mapRange: [Float]
  var jpegQuality: Int
  var display: Display
  /// Name to 768 bytes of interleaved RGB, as hex.
  var colorMaps: [String: String]
  var differenceColorMap: String
  var panels: [PanelPayload]
}

private struct PanelPayload: Encodable {
  var title: String
  var subtitle: String
  var clean: CellPayload
  var cells: [[CellPayload]]
}

private struct CellPayload: Encodable {
  struct Top: Encodable {
    var label: String
    var probability: Double
  }
  struct Shift: Encodable {
    var rankCorrelation: Double
    var topIoU: Double
    var centerShift: Double
    var entropyChange: Double
  }
  var image: String
  var map: String
  var top: [Top]
  var correct: Bool
  var shift: Shift?
  var centerOfMass: [Double]
}

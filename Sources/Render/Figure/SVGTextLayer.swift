import Foundation

/// Makes Cairo's SVG output searchable.
///
/// Cairo's SVG surface draws glyphs as `<path>` symbols, so labels are not text in the file.
/// This adds a `<title>` and, just before `</svg>`, a group of fully transparent `<text>`
/// elements at the same positions and sizes as the drawn labels: the look is unchanged, but
/// the labels can be searched, selected and read by tools.
enum SVGTextLayer {
  static func annotate(_ svg: Data, title: String?, texts: [RecordedText]) -> Data {
    guard var s = String(data: svg, encoding: .utf8),
      let open = s.range(of: "<svg"),
      let openEnd = s.range(of: ">", range: open.upperBound..<s.endIndex),
      let close = s.range(of: "</svg>", options: .backwards)
    else { return svg }
    var layer = "<g id=\"text-labels\" fill-opacity=\"0\" stroke=\"none\">\n"
    for t in texts {
      layer += "<text x=\"\(fmt(t.x))\" y=\"\(fmt(t.y))\" font-family=\"\(escape(t.font.family))\""
      layer += " font-size=\"\(fmt(t.font.size))\"\(t.font.bold ? " font-weight=\"bold\"" : "")"
      if t.rotation != 0 {
        layer += " transform=\"rotate(\(fmt(-t.rotation)) \(fmt(t.x)) \(fmt(t.y)))\""
      }
      layer += " xml:space=\"preserve\">\(escape(t.text))</text>\n"
    }
    layer += "</g>\n"
    s.replaceSubrange(close, with: layer + "</svg>")
    if let title {
      s.insert(contentsOf: "\n<title>\(escape(title))</title>", at: openEnd.upperBound)
    }
    return Data(s.utf8)
  }

  static func escape(_ text: String) -> String {
    var out = ""
    for ch in text.unicodeScalars {
      switch ch {
      case "&": out += "&amp;"
      case "<": out += "&lt;"
      case ">": out += "&gt;"
      case "\"": out += "&quot;"
      case "'": out += "&apos;"
      default:
        // Control characters other than tab/newline are not allowed in XML 1.0.
        if ch.value < 0x20 && ch != "\t" && ch != "\n" { continue }
        out.unicodeScalars.append(ch)
      }
    }
    return out
  }

  private static func fmt(_ v: Double) -> String { String(format: "%.2f", v) }
}

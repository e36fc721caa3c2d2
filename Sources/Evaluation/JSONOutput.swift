import Foundation

/// Deterministic JSON: sorted keys, pretty-printed, trailing newline.
public enum JSONOutput {
  /// `snakeCase` converts property names (not dictionary keys' meaning: only use it for types
  /// without dictionaries, since decoding would convert those keys too).
  public static func encode<T: Encodable>(_ value: T, snakeCase: Bool = false) throws -> Data {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    if snakeCase { encoder.keyEncodingStrategy = .convertToSnakeCase }
    encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
    var data = try encoder.encode(value)
    data.append(0x0A)
    return data
  }
}

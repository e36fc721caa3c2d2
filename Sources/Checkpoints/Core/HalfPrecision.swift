/// Software float16 / bfloat16 conversions (portable: no reliance on `Float16` availability).
enum HalfPrecision {
  /// IEEE 754 binary16 bits to Float (subnormals, infinities and NaN preserved).
  static func float(fromHalfBits h: UInt16) -> Float {
    let sign = UInt32(h & 0x8000) << 16
    let exponent = Int((h >> 10) & 0x1F)
    let mantissa = UInt32(h & 0x3FF)
    if exponent == 0 {
      let magnitude = Float(mantissa) * (1.0 / 16_777_216.0)  // mantissa * 2^-24
      return sign != 0 ? -magnitude : magnitude
    }
    if exponent == 31 {
      return Float(bitPattern: sign | 0x7F80_0000 | (mantissa << 13))
    }
    return Float(bitPattern: sign | (UInt32(exponent + 112) << 23) | (mantissa << 13))
  }

  /// bfloat16 bits to Float: the high half of a float32.
  static func float(fromBFloat16Bits b: UInt16) -> Float {
    Float(bitPattern: UInt32(b) << 16)
  }
}

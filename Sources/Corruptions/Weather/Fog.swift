import Foundation
import Imaging

extension Weather {
  /// Plasma-fractal fog: x + a·P (top-left window of a power-of-two map), rescaled by max/(max + a).
  static func fog(_ img: RGBImage, _ p: FogParameters, _ rng: inout NumpyRandomState) throws -> RGBImage {
    let h = img.height, w = img.width
    let side = max(h, w, 3)
    var mapSize = 1
    while mapSize < side { mapSize *= 2 }
    // The map is square on the longer side: a long thin image makes it huge.
    try CorruptionLimits.check(mapSize * mapSize, bytesEach: 8, "fog's \(mapSize)x\(mapSize) plasma map for a \(w)x\(h) image")
    let x = Pixels.unitDoubles(img.pixels)
    let maxVal = x.max() ?? 0
    let plasma = Plasma.fractal(mapSize: mapSize, wibbleDecay: p.wibbleDecay, rng: &rng)
    var out = [UInt8](repeating: 0, count: x.count)
    for yy in 0..<h {
      for xx in 0..<w {
        let add = p.amplitude * plasma[yy * mapSize + xx]
        for c in 0..<3 {
          let i = (yy * w + xx) * 3 + c
          let v = (x[i] + add) * maxVal / (maxVal + p.amplitude)
          out[i] = Pixels.trunc8(min(max(v, 0), 1) * 255)
        }
      }
    }
    return RGBImage(width: w, height: h, pixels: out)
  }
}

import Foundation
import Imaging

/// gaussian_noise, shot_noise, impulse_noise, speckle_noise (imagecorruptions draw order).
enum Noise {}

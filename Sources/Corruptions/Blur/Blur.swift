import Foundation
import Imaging

/// gaussian_blur, glass_blur, defocus_blur, motion_blur, zoom_blur.
enum Blur {}

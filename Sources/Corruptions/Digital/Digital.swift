import Foundation
import Imaging

/// contrast, pixelate, jpeg_compression, saturate, elastic_transform (spatter in Spatter.swift).
enum Digital {}

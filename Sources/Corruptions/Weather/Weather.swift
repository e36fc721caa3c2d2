import Foundation
import Imaging

/// snow, fog, brightness (frost is in Frost.swift).
enum Weather {}

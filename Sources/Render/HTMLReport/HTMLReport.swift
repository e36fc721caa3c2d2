import Imaging

/// An interactive, self-contained HTML page of a corruption sweep: the grid of cells, and for a
/// clicked cell its detail (large overlay beside the clean cell, an image/map blending slider,
/// the map alone, the difference to the clean map, top-5 prediction, attention-shift numbers
/// with the centre-of-mass shift drawn as an arrow).
///
/// Rows are corruptions, columns severities; every panel (one image under one model) has the
/// same rows and columns, and the page shows the panels side by side. Images are embedded as
/// JPEG, maps as 8-bit grey PNG (data: URIs); colouring, scaling, sorting and filtering happen
/// in the page's own script, so it works opened from disk without a network.
///
/// The module knows nothing about models: callers fill in predictions and shift numbers.
public struct HTMLReport: Sendable {
  /// One class and its probability.
  public struct ClassProbability: Sendable, Equatable {
    public var label: String
    public var probability: Double

    public init(label: String, probability: Double) {
      self.label = label
      self.probability = probability
    }
  }

  /// How far a cell's map moved from the clean map (the numbers of the JSON report).
  public struct Shift: Sendable, Equatable {
    /// Spearman rank correlation with the clean map.
    public var rankCorrelation: Double
    /// IoU of the top-20% pixels of the two maps.
    public var topIoU: Double
    /// Distance between the centres of mass, in display-image pixels.
    public var centerShift: Double
    /// Entropy (bits) of the map minus the clean map's.
    public var entropyChange: Double

    public init(rankCorrelation: Double, topIoU: Double, centerShift: Double, entropyChange: Double) {
      self.rankCorrelation = rankCorrelation
      self.topIoU = topIoU
      self.centerShift = centerShift
      self.entropyChange = entropyChange
    }
  }

  /// One image with its map and the model's answer.
  public struct Cell: Sendable {
    /// The (corrupted) image as shown.
    public var image: RGBImage
    /// The class-activation map, any size (drawn stretched over the image).
    public var map: ScalarMap
    /// The most probable classes, most probable first (the page shows up to five).
    public var top: [ClassProbability]
    /// Whether the prediction counts as correct.
    public var correct: Bool
    /// Shift from the panel's clean map; nil for the clean cell.
    public var shift: Shift?
    /// The map's centre of mass as fractions of its width and height (0...1, from the top left).
    public var centerOfMass: (x: Double, y: Double)

    public init(
      image: RGBImage, map: ScalarMap, top: [ClassProbability], correct: Bool, shift: Shift?,
      centerOfMass: (x: Double, y: Double)
    ) {
      self.image = image
      self.map = map
      self.top = top
      self.correct = correct
      self.shift = shift
      self.centerOfMass = centerOfMass
    }
  }

  /// One image's sweep under one model.
  public struct Panel: Sendable {
    /// Short heading, e.g. "dog · demo-cnn".
    public var title: String
    /// A second line, e.g. the explained class and the method.
    public var subtitle: String
    /// The clean (uncorrupted) cell, shown at the start of every row.
    public var clean: Cell
    /// `cells[row][column]`, rows and columns as ``HTMLReport/rowHeaders`` and
    /// ``HTMLReport/columnHeaders``.
    public var cells: [[Cell]]

    public init(title: String, subtitle: String, clean: Cell, cells: [[Cell]]) {
      self.title = title
      self.subtitle = subtitle
      self.clean = clean
      self.cells = cells
    }
  }

  /// The initial state of the page's controls (each one can be switched in the page).
  public struct Display: Sendable, Equatable {
    /// Colour map: one of ``HTMLReport/colorMaps``.
    public var colorMap: ColorMap = .jet
    /// One range for all maps (true) or each map min-max on its own (false).
    public var sharedScale = false
    /// Weight of the image in the overlays (0: map only, 1: image only).
    public var imageWeight = 0.5

    public init() {}
  }

  /// Page title.
  public var title: String
  /// A line under the title (what ran, how correctness is judged).
  public var subtitle: String
  /// One header per row (corruption names).
  public var rowHeaders: [String]
  /// One header per column after the clean one (severities).
  public var columnHeaders: [String]
  /// The sweeps shown side by side.
  public var panels: [Panel]
  /// The controls' initial state.
  public var display = Display()
  /// JPEG quality of the embedded images (1-100). At 85 a 19x6 sweep at 224 px takes 2-3 MB.
  public var jpegQuality = 85

  /// The colour maps the page offers (their tables are embedded; switching works offline).
  public static let colorMaps: [ColorMap] = [.jet, .turbo, .viridis, .inferno]
  /// Pages larger than this many bytes deserve a warning (slow to open, heavy to share).
  public static let sizeWarningBytes = 10_000_000

  /// The warning for a page of `bytes` bytes at `path`, or nil when it is not larger than
  /// ``sizeWarningBytes``.
  public static func sizeWarning(bytes: Int, path: String) -> String? {
    guard bytes > sizeWarningBytes else { return nil }
    return "\(path) is \(megabytes(bytes)) (over \(megabytes(sizeWarningBytes))): "
      + "fewer corruptions, severities, images or models make it lighter"
  }

  /// A size in megabytes (10^6 bytes) with one decimal, e.g. "2.1 MB".
  public static func megabytes(_ bytes: Int) -> String {
    let tenths = (bytes + 50_000) / 100_000
    return "\(tenths / 10).\(tenths % 10) MB"
  }

  public init(title: String, subtitle: String, rowHeaders: [String], columnHeaders: [String], panels: [Panel]) {
    self.title = title
    self.subtitle = subtitle
    self.rowHeaders = rowHeaders
    self.columnHeaders = columnHeaders
    self.panels = panels
  }
}

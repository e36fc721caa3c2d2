import Autodiff

/// One measured case.
struct BenchResult: Codable {
  var suite: String
  var name: String
  var seconds: Double
  var gflops: Double?
  var ratio: Double?
  var ratioTo: String?
  var peakRSSMB: Double?
  /// "bf16" when the case ran with `--precision bf16`; absent at float32.
  var precision: String? = ComputePrecision.stated
}

/// One measured case.
struct BenchResult: Codable {
  var suite: String
  var name: String
  var seconds: Double
  var gflops: Double?
  var ratio: Double?
  var ratioTo: String?
  var peakRSSMB: Double?
}

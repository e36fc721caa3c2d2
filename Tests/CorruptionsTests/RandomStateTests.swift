import Corruptions
import XCTest

/// `NumpyRandomState` against numpy 2.4 `RandomState` streams (Fixtures/rng_*.npy).
final class RandomStateTests: XCTestCase {
  func testRawOutputs() throws {
    let want = try Fixtures.npy("rng_raw_u32.npy").ints
    var rs = NumpyRandomState(seed: 12345)
    XCTAssertEqual(want.map { _ in Int(rs.nextUInt32()) }, want)
  }

  func testDoublesNormalsUniforms() throws {
    let want = try Fixtures.npy("rng_doubles.npy").doubles
    var rs = NumpyRandomState(seed: 7)
    var got: [Double] = []
    for _ in 0..<5 { got.append(rs.randomSample()) }
    for _ in 0..<7 { got.append(rs.gauss()) }  // odd count: the cached value carries over
    for _ in 0..<5 { got.append(rs.normal(loc: 2, scale: 3)) }
    got += rs.uniform(-3.5, 2.25, count: 5)
    got.append(rs.gauss())
    XCTAssertEqual(got, want)
  }

  func testRandint() throws {
    let want = try Fixtures.npy("rng_randint.npy").ints
    var rs = NumpyRandomState(seed: 99)
    var got: [Int] = []
    for _ in 0..<20 { got.append(rs.randint(5)) }
    for _ in 0..<20 { got.append(rs.randint(-2, 2)) }
    for _ in 0..<20 { got.append(rs.randint(0, 1000)) }
    for _ in 0..<20 { got.append(rs.randint(-4, 4)) }
    for _ in 0..<20 { got.append(rs.randint(0, 2_147_483_647)) }
    XCTAssertEqual(got, want)
  }

  func testPoissonMultiplicationAndPTRS() throws {
    let lams = try Fixtures.npy("rng_poisson_lam.npy").doubles
    let want = try Fixtures.npy("rng_poisson.npy").ints
    var rs = NumpyRandomState(seed: 2024)
    XCTAssertEqual(lams.map { rs.poisson($0) }, want)
  }

  func testChoiceWithProbabilities() throws {
    let want = try Fixtures.npy("rng_choice.npy").ints
    var rs = NumpyRandomState(seed: 31)
    XCTAssertEqual(rs.choice(probabilities: [0.2, 0.5, 0.3], count: 200), want)
  }

  func testSeeds() throws {
    let want = try Fixtures.npy("rng_seeds.npy").doubles
    let got = [UInt32(0), 1, 4_294_967_295].map { s -> Double in
      var r = NumpyRandomState(seed: s)
      return r.randomSample()
    }
    XCTAssertEqual(got, want)
  }
}

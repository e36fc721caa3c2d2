import Autodiff
import Foundation

// Makes one bad call (a programming error that stops the process), named by the first argument,
// for StopMessageTests, which runs this program once per case and reads the message it stops with.
// A separate program, so no test is an entry point for a child process.

let cases: [String: () -> Void] = [
  "add": { _ = Tensor.zeros([2, 3]) + Tensor.zeros([4]) },
  "multiply": { _ = Tensor.zeros([5, 1, 4]) * Tensor.zeros([3, 5]) },
  "matmul": { _ = matmul(Tensor.zeros([2, 3]), Tensor.zeros([4, 5])) },
  "matmul batch": { _ = matmul(Tensor.zeros([2, 2, 3]), Tensor.zeros([3, 3, 5])) },
  "conv2d channels": { _ = conv2d(Tensor.zeros([1, 3, 5, 5]), weight: Tensor.zeros([4, 2, 3, 3])) },
  "reshape": { _ = Tensor.zeros([2, 3]).reshaped([4, 2]) },
  "softmax axis": { _ = softmax(Tensor.zeros([2, 3]), axis: 2) },
  "dtype": { _ = Tensor.zeros([2]) + Tensor.zeros([2], dtype: .float64) },
]

let arguments = CommandLine.arguments.dropFirst()
guard arguments.count == 1, let name = arguments.first, let run = cases[name] else {
  FileHandle.standardError.write(
    "usage: autodiff-stop-cases CASE (one of: \(cases.keys.sorted().joined(separator: ", ")))\n".data(using: .utf8)!)
  exit(64)
}
run()
FileHandle.standardError.write("case \(name) did not stop\n".data(using: .utf8)!)
exit(1)

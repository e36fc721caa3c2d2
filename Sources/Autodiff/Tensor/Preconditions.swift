// Programming errors (a shape mismatch, a bad axis) stop the process, as in the standard library,
// but always with their message. `Swift.precondition` and `Swift.preconditionFailure` print
// their message only in -Onone builds: in release (-O) builds they stop with a bare "Illegal
// instruction", which hides every shape and argument message of this module. These module-level
// functions shadow the standard ones for every call site in Autodiff and report through
// `fatalError`, which prints the message in every build configuration.

/// Stops with `message` when `condition` is false (in every build configuration).
@inline(__always)
func precondition(
  _ condition: @autoclosure () -> Bool, _ message: @autoclosure () -> String = String(),
  file: StaticString = #file, line: UInt = #line
) {
  if !condition() { fatalError(message(), file: file, line: line) }
}

/// Stops with `message` (in every build configuration).
func preconditionFailure(
  _ message: @autoclosure () -> String = String(), file: StaticString = #file, line: UInt = #line
) -> Never {
  fatalError(message(), file: file, line: line)
}

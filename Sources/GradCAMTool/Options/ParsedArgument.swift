import ArgumentParser

/// A typed command-line value, parsed once when the command line is read.
///
/// Text that does not parse is kept with its error, which `value()` throws where the command
/// checks its input: from `run()` the user sees the library parser's one-line message (with its
/// did-you-mean suggestion) and exit status 1; from `validate()`, where the error is a
/// `ValidationError`, a usage error with status 64. So typing a value changes neither the
/// messages nor the exit codes a user sees.
protocol ParsedArgument: ExpressibleByArgument, CustomStringConvertible {
  associatedtype Value
  /// The text as given on the command line.
  var text: String { get }
  /// The value, or why the text is not one.
  var parsed: Result<Value, Error> { get }
}

extension ParsedArgument {
  /// The parsed value; throws the parse error.
  func value() throws -> Value { try parsed.get() }

  /// The text as given (shown as the default in `--help`).
  var description: String { text }
}

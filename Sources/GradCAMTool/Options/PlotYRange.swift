import ArgumentParser

/// `plot --y-range`: zero (each panel from 0 to its own top), shared (every panel from 0 to the
/// figure's top), independent (each panel fitted to its data) or MIN:MAX (fixed).
struct PlotYRange: ParsedArgument {
  enum Value: Equatable {
    case zero, shared, independent
    case fixed(ClosedRange<Double>)
  }

  let text: String
  let parsed: Result<Value, Error>

  init(argument: String) {
    text = argument
    switch argument {
    case "zero": parsed = .success(.zero)
    case "shared": parsed = .success(.shared)
    case "independent": parsed = .success(.independent)
    default:
      let parts = argument.split(separator: ":", omittingEmptySubsequences: false)
      if parts.count == 2, let lo = Double(parts[0]), let hi = Double(parts[1]), lo.isFinite, hi.isFinite, lo < hi {
        parsed = .success(.fixed(lo...hi))
      } else {
        parsed = .failure(ValidationError("--y-range must be zero, shared, independent or MIN:MAX with MIN < MAX (e.g. 0:100), got '\(argument)'"))
      }
    }
  }
}

import ArgumentParser
import Corruptions

/// `--corruptions`: `benchmark` (15), `all` (19), `extra` (4) or a comma list of corruption names
/// (did-you-mean on a typo). `none` is not a corruption; `isNone` lets a command accept it.
struct CorruptionList: ParsedArgument {
  let text: String
  let parsed: Result<[Corruption], Error>

  init(argument: String) {
    text = argument
    parsed = Result { try Corruption.parseList(argument) }
  }

  /// Whether the text is `none` (no corruption: clean images only, where a command allows it).
  var isNone: Bool { text == "none" }
}

import Imaging
import Networks

/// A model ready to run, with what the commands print about it.
struct LoadedModel {
  let model: ImageClassifier
  let name: String
  let classNames: [String]
  let preprocessing: Preprocessing
}

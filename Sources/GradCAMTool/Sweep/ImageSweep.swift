import GradCAM

/// One input image's sweep, with the name the figure, the maps folder and the report show it by.
struct ImageSweep {
  let name: String
  let path: String
  let result: SweepResult
}

import ArgumentParser
import Foundation
import Zoo

/// `gradcam models`: every bundled and zoo model, and whether it is in the cache.
struct ModelsCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "models",
    abstract: "List the bundled and downloadable models (architecture, preprocessing profile, size, licence, source, cached).",
    discussion: """
      Zoo models are downloaded from their publishers on first use with --model NAME, into \
      --cache-dir, else $GRADCAM_CACHE, else $XDG_CACHE_HOME/gradcam, else ~/.cache/gradcam. \
      Offline, download the listed URL elsewhere and put the file, under the same name, in \
      that folder. --download NAME fetches a model's files without running it.
      """)

  @Option(help: ArgumentHelp("The model cache folder.", valueName: "dir"))
  var cacheDir: String?

  @Option(help: ArgumentHelp("Download (and verify) this zoo model's files now.", valueName: "name"))
  var download: String?

  func run() throws {
    let cache = ModelCache(explicit: cacheDir)
    if let download {
      guard let model = ZooCatalog.model(named: download) else {
        throw ZooError.unknownModel(download, known: ZooCatalog.names)
      }
      for file in model.files {
        let (url, verification) = try Downloader(cache: cache).fetch(file)
        print("\(url.path): \(verification)")
      }
      return
    }
    print(ModelTable.render(cache: cache), terminator: "")
  }
}

/// Upper bounds applied while reading untrusted checkpoint files.
///
/// Every size read from a file is checked against these before any allocation, so a hostile
/// file fails with ``CheckpointError/limitExceeded(_:)`` (or a more specific error) instead of
/// exhausting memory.
public struct CheckpointLimits: Sendable, Equatable {
  /// Largest element count of one tensor.
  public var maxTensorElements: Int = 1 << 30
  /// Largest byte size of one tensor or storage.
  public var maxTensorBytes: Int = 1 << 31
  /// Largest uncompressed size of one zip entry.
  public var maxEntryBytes: Int = 1 << 31
  /// Largest pickle stream (`data.pkl` or a legacy pickle) in bytes.
  public var maxPickleBytes: Int = 1 << 28
  /// Largest uncompressed/compressed ratio accepted for a deflated zip entry ...
  public var maxCompressionRatio: Int = 100
  /// ... once its declared uncompressed size is at least this many bytes.
  public var compressionRatioThreshold: Int = 1 << 20
  /// Largest safetensors JSON header. The format allows 100 MB, but parsing one costs tens of
  /// times its size in memory, and real headers are a few hundred bytes per tensor (ViT-L: 60 kB).
  public var maxSafeTensorsHeaderBytes: Int = 16 << 20
  /// Most tensors in one checkpoint (ViT-L has about 300; an 80 MB header can hold a million
  /// empty tensors). Counted before the header is parsed.
  public var maxTensorCount: Int = 100_000
  /// Largest number of opcodes one pickle may run (a ResNet-50 `data.pkl` runs ~10 thousand).
  public var maxPickleOperations: Int = 1 << 22
  /// Largest number of pickle memo entries.
  public var maxMemoEntries: Int = 1 << 22
  /// Largest nesting of embedded legacy blobs (`torch.storage._load_from_bytes`).
  public var maxEmbeddedDepth: Int = 2

  /// The default limits (generous for ResNet-50 / ViT-B checkpoints).
  public init() {}
}

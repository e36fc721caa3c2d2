/// Table-driven rules that turn a checkpoint's nested layout and key names into plain
/// torchvision / timm parameter names.
///
/// Applied in this order:
/// 1. **Sub-dictionary**: while the current dict holds no tensors directly, descend into the
///    first of ``subDictionaryKeys`` whose value is a dict (`state_dict`, then `model`,
///    `teacher`, ...).
/// 2. **Wrappers**: strip ``wrapperPrefixes`` (`module.`, `_orig_mod.`) repeatedly from the front.
/// 3. **Drops**: keys starting with one of ``dropPrefixes`` are discarded (SwAV projection head
///    and prototypes).
/// 4. **Container**: the first of ``containers`` that prefixes any key becomes active. Keys
///    under it are kept with the prefix stripped, except those under its `dropInside` prefixes
///    (e.g. MoCo `encoder_q.fc.*`, the projection MLP). Keys outside it are dropped (DINO
///    `head.*`, MoCo `encoder_k.*`/`queue`, MoCo v3 `momentum_encoder.*`/`predictor.*`)
///    unless a rename applies (mmcls `head.fc.*` → `fc.*`).
/// 5. **Renames**: the first matching ``renames`` prefix is replaced; a rename marked
///    `outsideContainerOnly` applies only to keys outside an active container (mmcls's head beside
///    its `backbone.*`), because elsewhere its prefix is a model's own layer (timm ConvNeXt's and
///    Swin's `head.fc`).
///
/// Two keys mapping to the same name is an error.
public struct KeyNormalization: Sendable {
  /// A prefix replacement, e.g. `head.fc.` → `fc.`.
  public struct Rename: Sendable, Equatable {
    public var from: String
    public var to: String
    /// Whether it applies only to keys outside an active container.
    public var outsideContainerOnly: Bool
    public init(_ from: String, _ to: String, outsideContainerOnly: Bool = false) {
      self.from = from
      self.to = to
      self.outsideContainerOnly = outsideContainerOnly
    }
  }

  /// A backbone container prefix and the sub-prefixes inside it that are projection heads.
  public struct Container: Sendable, Equatable {
    public var prefix: String
    public var dropInside: [String]
    public init(_ prefix: String, dropInside: [String] = []) {
      self.prefix = prefix
      self.dropInside = dropInside
    }
  }

  public var subDictionaryKeys: [String]
  public var wrapperPrefixes: [String]
  public var dropPrefixes: [String]
  public var containers: [Container]
  public var renames: [Rename]

  public init(
    subDictionaryKeys: [String] = [], wrapperPrefixes: [String] = [], dropPrefixes: [String] = [],
    containers: [Container] = [], renames: [Rename] = []
  ) {
    self.subDictionaryKeys = subDictionaryKeys
    self.wrapperPrefixes = wrapperPrefixes
    self.dropPrefixes = dropPrefixes
    self.containers = containers
    self.renames = renames
  }

  /// The rules for mmselfsup/mmcls, DINO, MoCo v1-v3, SimSiam, SwAV,
  /// Barlow Twins, VICReg and plain DataParallel checkpoints.
  ///
  /// `linear.` → `fc.` (DINO/SwAV linear-eval heads) is *not* included because CIFAR ResNets
  /// name their classifier `linear`; add it with ``renaming(_:to:)`` when loading such heads.
  public static let standard = KeyNormalization(
    subDictionaryKeys: ["state_dict", "model", "teacher", "student", "module", "net", "network"],
    wrapperPrefixes: ["module.", "_orig_mod."],
    dropPrefixes: ["projection_head.", "prototypes."],
    containers: [
      Container("backbone."),
      Container("encoder_q.", dropInside: ["fc.", "head."]),
      Container("base_encoder.", dropInside: ["fc.", "head."]),
      Container("encoder.", dropInside: ["fc.", "head."]),
    ],
    renames: [Rename("head.fc.", "fc.", outsideContainerOnly: true)])

  /// Only step 1 (pick the sub-dictionary); keys are kept exactly as stored.
  public static let none = KeyNormalization(subDictionaryKeys: standard.subDictionaryKeys)

  /// A copy with one more prefix rename (tried after the existing ones).
  public func renaming(_ from: String, to: String) -> KeyNormalization {
    var copy = self
    copy.renames.append(Rename(from, to))
    return copy
  }

  /// The normalised name of each original key, or nil where the key is dropped.
  public func normalize(_ keys: [String]) -> [String?] {
    let unwrapped = keys.map(stripWrappers)
    let container = containers.first { c in unwrapped.contains { $0.hasPrefix(c.prefix) } }
    return unwrapped.map { key -> String? in
      if dropPrefixes.contains(where: { key.hasPrefix($0) }) { return nil }
      if let c = container {
        if key.hasPrefix(c.prefix) {
          let rest = String(key.dropFirst(c.prefix.count))
          if c.dropInside.contains(where: { rest.hasPrefix($0) }) { return nil }
          return rename(rest, outsideContainer: false) ?? rest
        }
        return rename(key, outsideContainer: true)
      }
      return rename(key, outsideContainer: false) ?? key
    }
  }

  private func stripWrappers(_ key: String) -> String {
    var k = Substring(key)
    var changed = true
    while changed {
      changed = false
      for p in wrapperPrefixes where k.hasPrefix(p) {
        k = k.dropFirst(p.count)
        changed = true
      }
    }
    return String(k)
  }

  private func rename(_ key: String, outsideContainer: Bool) -> String? {
    guard let r = renames.first(where: { key.hasPrefix($0.from) && (outsideContainer || !$0.outsideContainerOnly) }) else { return nil }
    return r.to + key.dropFirst(r.from.count)
  }
}

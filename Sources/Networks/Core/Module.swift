import Autodiff

/// A node of a network's module tree, as PyTorch's `nn.Module`.
///
/// A module's children and parameters are its stored properties: a `Module` (optional or not),
/// an array of modules (a `ModuleList`: `blocks.0`, `blocks.1`, ...) or a ``Weight``. Each is
/// named by its property name in snake case (`patchEmbed` is `patch_embed`, `runningMean` is
/// `running_mean`), so the PyTorch path of every module and parameter comes from its one
/// declaration; ``Network`` assigns the paths when the network is built. Declare members in
/// the order `forward` uses them: that is the order of ``Network/modulePaths`` and of the
/// parameter table (the `state_dict` order).
///
/// A module is called with its input alone (`conv1(x)`), which taps its output under its path;
/// what the pass should expose travels with the task as ``ForwardContext/current``.
public class Module {
  /// The PyTorch path (`layer4.2.conv3`), assigned when the network is built.
  public internal(set) var path = ""

  init() {}

  /// The computation, overridden by each module. Callers call the module instead (`m(x)`), so
  /// its output is tapped.
  func forward(_ x: Tensor) -> Tensor { x }

  /// Runs the module and taps its output.
  final func callAsFunction(_ x: Tensor) -> Tensor { output(forward(x)) }

  /// Taps `y` as this module's output: for an output computed outside ``forward(_:)``, e.g.
  /// fused into a neighbour's convolution.
  final func output(_ y: Tensor) -> Tensor { ForwardContext.current.tap(path, y) }

  /// A named member of a module.
  enum Member {
    case module(Module)
    case parameter(Weight)
  }

  /// The members in declaration order, found by reflection (only while a network is built).
  func members() -> [(name: String, member: Member)] {
    var mirrors: [Mirror] = []
    var next: Mirror? = Mirror(reflecting: self)
    while let mirror = next, mirror.subjectType != Module.self {
      mirrors.insert(mirror, at: 0)
      next = mirror.superclassMirror
    }
    var found: [(name: String, member: Member)] = []
    for mirror in mirrors {
      for case (let label?, let value) in mirror.children {
        let name = Self.pytorchName(label)
        if let module = value as? Module {
          found.append((name, .module(module)))
        } else if let weight = value as? Weight {
          found.append((name, .parameter(weight)))
        } else if let list = value as? [Module] {
          found += list.enumerated().map { ("\(name).\($0.offset)", .module($0.element)) }
        }
      }
    }
    return found
  }

  /// Names this module's subtree under its path: registers its parameters in `table` with
  /// values from `source`, and appends every module path to `paths` after those of its
  /// children (the order outputs are produced in).
  func build(table: ParameterTable, source: WeightSource, paths: inout [String]) {
    for (name, member) in members() {
      let memberPath = path.isEmpty ? name : "\(path).\(name)"
      switch member {
      case .parameter(let weight):
        weight.register(memberPath, in: table, from: source)
      case .module(let module):
        module.path = memberPath
        module.build(table: table, source: source, paths: &paths)
        paths.append(memberPath)
      }
    }
  }

  /// A Swift property name as PyTorch spells it: `patchEmbed` -> `patch_embed`.
  static func pytorchName(_ label: String) -> String {
    var name = ""
    for c in label {
      if c.isUppercase {
        name += "_" + c.lowercased()
      } else {
        name.append(c)
      }
    }
    return name
  }
}

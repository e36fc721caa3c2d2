/// Owns every mutable container a pickle run creates and tears them down iteratively.
///
/// Hostile pickles can nest lists/dicts/stubs millions deep with a few bytes per level, or make
/// them reference themselves through the memo. Releasing such a graph normally recurses once
/// per level (stack overflow) or leaks (cycles). ``teardown()`` empties every registered
/// container first, so each is released on its own.
final class PickleArena {
  private var lists: [PickleList] = []
  private var dicts: [PickleDict] = []
  private var stubs: [PickleStub] = []

  /// Registers `value` if it is a list, dict or stub.
  func register(_ value: PickleValue) {
    switch value {
    case .list(let l): lists.append(l)
    case .dict(let d): dicts.append(d)
    case .stub(let s): stubs.append(s)
    default: break
    }
  }

  /// Breaks every link between registered containers, then releases them.
  func teardown() {
    for l in lists { l.items.removeAll() }
    for d in dicts { d.removeAll() }
    for s in stubs {
      s.args = .none
      s.state = nil
    }
    lists.removeAll()
    dicts.removeAll()
    stubs.removeAll()
  }
}

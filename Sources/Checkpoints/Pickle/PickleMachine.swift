import Foundation

/// A restricted pickle virtual machine: protocols 2-5, the opcodes torch.save emits (the set of
/// PyTorch's `_weights_only_unpickler`).
///
/// It never imports or executes anything: GLOBALs are checked against ``GlobalAllowList`` when
/// they are pushed, and REDUCE/NEWOBJ dispatch on the global's name in ``PickleCalls``. Text-era
/// opcodes (INT, STRING, INST, OBJ, PERSID, GET/PUT), extension-registry and out-of-band buffer
/// opcodes are refused with ``CheckpointError/opcodeNotAllowed(opcode:offset:)``.
struct PickleMachine {
  /// Turns a persistent id (BINPERSID) into a value, usually a ``StorageRef``.
  typealias PersistentLoad = (PickleValue) throws -> PickleValue

  let bytes: UnsafeRawBufferPointer
  private(set) var position: Int
  let calls: PickleCalls
  let persistentLoad: PersistentLoad
  let limits: CheckpointLimits
  let arena: PickleArena

  private var stack: [PickleValue] = []
  private var metastack: [[PickleValue]] = []
  private var memo: [Int: PickleValue] = [:]

  init(bytes: UnsafeRawBufferPointer, start: Int, calls: PickleCalls, limits: CheckpointLimits,
       arena: PickleArena, persistentLoad: @escaping PersistentLoad) {
    self.arena = arena
    self.bytes = bytes
    self.position = start
    self.calls = calls
    self.limits = limits
    self.persistentLoad = persistentLoad
  }

  /// Runs one pickle from `position` to its STOP; returns the value and leaves `position` after STOP.
  mutating func run() throws -> PickleValue {
    // Each opcode costs ~40 bytes of values for 1 byte of input (a stack of 30 M empty tuples
    // took 1.2 GB), so the opcode count is bounded, not only the pickle size.
    var operations = 0
    while true {
      let opOffset = position
      let op = try readByte()
      operations += 1
      guard operations <= limits.maxPickleOperations else {
        throw CheckpointError.limitExceeded("pickle runs more than \(limits.maxPickleOperations) opcodes")
      }
      switch op {
      case 0x80: _ = try readByte()  // PROTO
      case 0x95: _ = try read(8)  // FRAME: frames are only a buffering hint
      case 0x2E:  // STOP '.'
        guard metastack.isEmpty else { throw CheckpointError.malformedPickle("STOP inside an open MARK") }
        return try pop("STOP")
      case 0x28: metastack.append(stack); stack = []  // MARK '('
      case 0x31: stack = try popMarkItems("POP_MARK").previous  // POP_MARK '1'
      case 0x30: _ = try pop("POP")  // POP '0'
      case 0x32: stack.append(try top("DUP"))  // DUP '2'
      case 0x63:  // GLOBAL 'c'
        let module = try readLine()
        let name = try readLine()
        stack.append(try calls.global(module: module, name: name))
      case 0x93:  // STACK_GLOBAL
        let name = try pop("STACK_GLOBAL")
        let module = try pop("STACK_GLOBAL")
        guard case .string(let m) = module, case .string(let n) = name else {
          throw CheckpointError.malformedPickle(
            "STACK_GLOBAL needs two strings, got \(module.kind) and \(name.kind) (nested GLOBAL refused)")
        }
        stack.append(try calls.global(module: m, name: n))
      case 0x71: try memoize(Int(try readByte()))  // BINPUT 'q'
      case 0x72: try memoize(Int(try readUInt32()))  // LONG_BINPUT 'r'
      case 0x94: try memoize(memo.count)  // MEMOIZE
      case 0x68: stack.append(try memoGet(Int(try readByte())))  // BINGET 'h'
      case 0x6A: stack.append(try memoGet(Int(try readUInt32())))  // LONG_BINGET 'j'
      case 0x29: stack.append(.tuple([], depth: 1))  // EMPTY_TUPLE ')'
      case 0x74:  // TUPLE 't'
        let (items, previous) = try popMarkItems("TUPLE")
        stack = previous
        stack.append(try PickleValue.makeTuple(items))
      case 0x85: let a = try pop("TUPLE1"); stack.append(try PickleValue.makeTuple([a]))
      case 0x86:
        let b = try pop("TUPLE2"), a = try pop("TUPLE2")
        stack.append(try PickleValue.makeTuple([a, b]))
      case 0x87:
        let c = try pop("TUPLE3"), b = try pop("TUPLE3"), a = try pop("TUPLE3")
        stack.append(try PickleValue.makeTuple([a, b, c]))
      case 0x5D: pushContainer(.list(PickleList()))  // EMPTY_LIST ']'
      case 0x6C:  // LIST 'l'
        let (items, previous) = try popMarkItems("LIST")
        stack = previous
        pushContainer(.list(PickleList(items)))
      case 0x61:  // APPEND 'a'
        let value = try pop("APPEND")
        try list(try top("APPEND"), "APPEND").items.append(value)
      case 0x65:  // APPENDS 'e'
        let (items, previous) = try popMarkItems("APPENDS")
        stack = previous  // pop the mark before looking at the new top, or the items land in the discarded inner stack
        try list(try top("APPENDS"), "APPENDS").items.append(contentsOf: items)
      case 0x7D: pushContainer(.dict(PickleDict()))  // EMPTY_DICT '}'
      case 0x64:  // DICT 'd'
        let (items, previous) = try popMarkItems("DICT")
        stack = previous
        let d = PickleDict()
        try Self.setItems(items, into: d)
        pushContainer(.dict(d))
      case 0x73:  // SETITEM 's'
        let value = try pop("SETITEM"), key = try pop("SETITEM")
        try dict(try top("SETITEM"), "SETITEM").set(key, value)
      case 0x75:  // SETITEMS 'u'
        let (items, previous) = try popMarkItems("SETITEMS")
        stack = previous
        try Self.setItems(items, into: try dict(try top("SETITEMS"), "SETITEMS"))
      case 0x8F: pushContainer(.list(PickleList()))  // EMPTY_SET
      case 0x90:  // ADDITEMS
        let (items, previous) = try popMarkItems("ADDITEMS")
        stack = previous
        try list(try top("ADDITEMS"), "ADDITEMS").items.append(contentsOf: items)
      case 0x91:  // FROZENSET
        let (items, previous) = try popMarkItems("FROZENSET")
        stack = previous
        pushContainer(.list(PickleList(items)))
      case 0x4E: stack.append(.none)  // NONE 'N'
      case 0x88: stack.append(.bool(true))
      case 0x89: stack.append(.bool(false))
      case 0x4B: stack.append(.int(Int(try readByte())))  // BININT1 'K'
      case 0x4D: stack.append(.int(Int(try readUInt16())))  // BININT2 'M'
      case 0x4A: stack.append(.int(Int(Int32(bitPattern: try readUInt32()))))  // BININT 'J'
      case 0x8A: stack.append(try readLong(count: Int(try readByte())))  // LONG1
      case 0x8B:  // LONG4
        let n = Int(Int32(bitPattern: try readUInt32()))
        guard n >= 0 else { throw CheckpointError.malformedPickle("negative LONG4 length") }
        stack.append(try readLong(count: n))
      case 0x47:  // BINFLOAT 'G': big-endian IEEE double
        let raw = try read(8)
        stack.append(.float(Double(bitPattern: raw.reduce(UInt64(0)) { $0 << 8 | UInt64($1) })))
      case 0x58: stack.append(.string(try readUTF8(count: Int(try readUInt32()))))  // BINUNICODE 'X'
      case 0x8C: stack.append(.string(try readUTF8(count: Int(try readByte()))))  // SHORT_BINUNICODE
      case 0x8D: stack.append(.string(try readUTF8(count: try readLength64())))  // BINUNICODE8
      case 0x55: stack.append(.string(try readLatin1(count: Int(try readByte()))))  // SHORT_BINSTRING 'U'
      case 0x54: stack.append(.string(try readLatin1(count: Int(Int32(bitPattern: try readUInt32())))))  // BINSTRING
      case 0x43: stack.append(.bytes(Data(try read(Int(try readByte())))))  // SHORT_BINBYTES 'C'
      case 0x42: stack.append(.bytes(Data(try read(Int(try readUInt32())))))  // BINBYTES 'B'
      case 0x8E, 0x96: stack.append(.bytes(Data(try read(try readLength64()))))  // BINBYTES8, BYTEARRAY8
      case 0x51:  // BINPERSID 'Q'
        let pid = try pop("BINPERSID")
        stack.append(try persistentLoad(pid))
      case 0x52:  // REDUCE 'R'
        let args = try pop("REDUCE"), callable = try pop("REDUCE")
        pushContainer(try calls.call(callable, args: args, opcode: "REDUCE"))
      case 0x81:  // NEWOBJ
        let args = try pop("NEWOBJ"), cls = try pop("NEWOBJ")
        pushContainer(try calls.call(cls, args: args, opcode: "NEWOBJ"))
      case 0x92:  // NEWOBJ_EX
        _ = try pop("NEWOBJ_EX")
        let args = try pop("NEWOBJ_EX"), cls = try pop("NEWOBJ_EX")
        pushContainer(try calls.call(cls, args: args, opcode: "NEWOBJ_EX"))
      case 0x62:  // BUILD 'b'
        let state = try pop("BUILD")
        calls.build(try top("BUILD"), state: state)
      default:
        throw CheckpointError.opcodeNotAllowed(opcode: op, offset: opOffset)
      }
    }
  }

  // MARK: - Stack helpers

  /// Pushes a value that may be a mutable container, registering it for iterative teardown.
  private mutating func pushContainer(_ value: PickleValue) {
    arena.register(value)
    stack.append(value)
  }

  private mutating func pop(_ op: String) throws -> PickleValue {
    guard let v = stack.popLast() else { throw CheckpointError.malformedPickle("\(op) on an empty stack") }
    return v
  }

  private func top(_ op: String) throws -> PickleValue {
    guard let v = stack.last else { throw CheckpointError.malformedPickle("\(op) on an empty stack") }
    return v
  }

  /// The items above the last MARK and the stack below it.
  private mutating func popMarkItems(_ op: String) throws -> (items: [PickleValue], previous: [PickleValue]) {
    guard let previous = metastack.popLast() else { throw CheckpointError.malformedPickle("\(op) without MARK") }
    return (stack, previous)
  }

  private func list(_ v: PickleValue, _ op: String) throws -> PickleList {
    guard case .list(let l) = v else { throw CheckpointError.malformedPickle("\(op) on a \(v.kind)") }
    return l
  }

  private func dict(_ v: PickleValue, _ op: String) throws -> PickleDict {
    guard case .dict(let d) = v else { throw CheckpointError.malformedPickle("\(op) on a \(v.kind)") }
    return d
  }

  private static func setItems(_ items: [PickleValue], into d: PickleDict) throws {
    guard items.count % 2 == 0 else { throw CheckpointError.malformedPickle("odd number of SETITEMS items") }
    for i in stride(from: 0, to: items.count, by: 2) { d.set(items[i], items[i + 1]) }
  }

  private mutating func memoize(_ index: Int) throws {
    guard memo.count < limits.maxMemoEntries || memo[index] != nil else {
      throw CheckpointError.limitExceeded("more than \(limits.maxMemoEntries) pickle memo entries")
    }
    memo[index] = try top("PUT")
  }

  private func memoGet(_ index: Int) throws -> PickleValue {
    guard let v = memo[index] else { throw CheckpointError.malformedPickle("memo index \(index) is not set") }
    return v
  }

  // MARK: - Byte readers

  private mutating func read(_ count: Int) throws -> UnsafeRawBufferPointer {
    guard count >= 0, count <= bytes.count - position else {
      throw CheckpointError.truncated("pickle needs \(count) bytes at offset \(position), only \(bytes.count - position) left")
    }
    defer { position += count }
    return UnsafeRawBufferPointer(rebasing: bytes[position..<(position + count)])
  }

  private mutating func readByte() throws -> UInt8 { try read(1)[0] }

  private mutating func readUInt16() throws -> UInt16 {
    let b = try read(2)
    return UInt16(b[0]) | UInt16(b[1]) << 8
  }

  private mutating func readUInt32() throws -> UInt32 {
    try read(4).reversed().reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
  }

  private mutating func readLength64() throws -> Int {
    let v = try read(8).reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
    guard v <= UInt64(bytes.count - position) else {
      throw CheckpointError.truncated("pickle length \(v) at offset \(position) runs past the end")
    }
    return Int(v)
  }

  private mutating func readLine() throws -> String {
    guard let end = bytes[position...].firstIndex(of: 0x0A) else {
      throw CheckpointError.truncated("unterminated GLOBAL name at offset \(position)")
    }
    let line = try read(end - position)
    position += 1
    return String(decoding: line, as: UTF8.self)
  }

  private mutating func readUTF8(count: Int) throws -> String {
    let raw = try read(count)
    guard let s = String(validating: raw, as: UTF8.self) else {
      throw CheckpointError.malformedPickle("invalid UTF-8 string at offset \(position - count)")
    }
    return s
  }

  private mutating func readLatin1(count: Int) throws -> String {
    String(String.UnicodeScalarView(try read(count).map { UnicodeScalar($0) }))
  }

  private mutating func readLong(count: Int) throws -> PickleValue {
    let raw = Array(try read(count))
    if raw.isEmpty { return .int(0) }
    if raw.count <= 8 {
      var v: UInt64 = 0
      for (i, b) in raw.enumerated() { v |= UInt64(b) << (8 * UInt64(i)) }
      let shift = UInt64(64 - 8 * raw.count)
      return .int(Int(Int64(bitPattern: v << shift) >> Int64(shift)))  // sign-extend
    }
    return .bigInt(raw)
  }
}

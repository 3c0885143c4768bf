import Foundation

extension JSONValue {
    public enum Layout: Sendable {
        /// One line, no spaces: the wire format and the input to hashes.
        case compact
        /// Two-space indentation, for files people read (lockfiles, reports).
        case pretty
    }

    /// Encodes with object keys sorted by their UTF-8 bytes, so equal values give equal bytes.
    public func encoded(_ layout: Layout = .compact) -> String {
        var output = JSONOutput(capacity: 256)
        encode(into: &output, layout: layout, indent: 0)
        return output.withBytes { String(decoding: $0, as: UTF8.self) }
    }

    public func encodedData(_ layout: Layout = .compact) -> Data {
        var output = JSONOutput(capacity: 256)
        encode(into: &output, layout: layout, indent: 0)
        if layout == .pretty { output.append(0x0A) }
        return output.withBytes { Data($0) }
    }

    /// Appends the encoding to `output`; the MCP framer uses this to avoid copies.
    public func write(into output: inout [UInt8], layout: Layout = .compact, indent: Int = 0) {
        var encoding = JSONOutput(capacity: 128)
        encode(into: &encoding, layout: layout, indent: indent)
        encoding.withBytes { output.append(contentsOf: $0) }
    }

    /// Calls `body` with the compact encoding between `prefix` and `suffix`, written once into a
    /// buffer that lives for the call: for a caller that hands the bytes on and keeps nothing.
    public func withCompactEncoding<Result, Failure: Error>(prefix: [UInt8] = [], suffix: [UInt8] = [],
                                                             _ body: (UnsafeRawBufferPointer) throws(Failure) -> Result) throws(Failure) -> Result {
        var output = JSONOutput(capacity: 128 + prefix.count + suffix.count)
        output.append(prefix)
        encode(into: &output, layout: .compact, indent: 0)
        output.append(suffix)
        return try output.withBytes(body)
    }

    private func encode(into output: inout JSONOutput, layout: Layout, indent: Int) {
        switch self {
        case .null: output.append("null" as StaticString)
        case .bool(let flag): output.append(flag ? "true" : "false" as StaticString)
        case .number(let number): output.append(utf8: number.literal)
        case .string(let text): JSONValue.writeString(text, into: &output)
        case .array(let items):
            guard !items.isEmpty else { output.append("[]" as StaticString); return }
            output.append(UInt8(ascii: "["))
            var first = true
            for item in items {
                if !first { output.append(UInt8(ascii: ",")) }
                first = false
                JSONValue.newline(&output, layout: layout, indent: indent + 1)
                JSONValue.encode(item, into: &output, layout: layout, indent: indent + 1)
            }
            JSONValue.newline(&output, layout: layout, indent: indent)
            output.append(UInt8(ascii: "]"))
        case .object(let members):
            guard !members.isEmpty else { output.append("{}" as StaticString); return }
            output.append(UInt8(ascii: "{"))
            JSONValue.inKeyOrder(members) { position, key, value in
                if position > 0 { output.append(UInt8(ascii: ",")) }
                JSONValue.newline(&output, layout: layout, indent: indent + 1)
                JSONValue.writeString(key, into: &output)
                output.append(UInt8(ascii: ":"))
                if layout == .pretty { output.append(UInt8(ascii: " ")) }
                JSONValue.encode(value, into: &output, layout: layout, indent: indent + 1)
            }
            JSONValue.newline(&output, layout: layout, indent: indent)
            output.append(UInt8(ascii: "}"))
        }
    }

    /// An element or member: numbers and strings, most of them, are written here rather than
    /// through another call of `encode`, which costs more than they do.
    @inline(__always)
    private static func encode(_ value: JSONValue, into output: inout JSONOutput, layout: Layout, indent: Int) {
        switch value {
        case .number(let number): output.append(utf8: number.literal)
        case .string(let text): writeString(text, into: &output)
        default: value.encode(into: &output, layout: layout, indent: indent)
        }
    }

    /// Calls `body` with each member in the UTF-8 order of its key. An object of a few members
    /// (most of them) is ordered on the stack by insertion; a larger one is sorted into an array.
    private static func inKeyOrder(_ members: [String: JSONValue], _ body: (Int, String, JSONValue) -> Void) {
        guard members.count > 1 else {
            for (key, value) in members { body(0, key, value) }
            return
        }
        guard members.count <= 16 else {
            for (position, (key, value)) in members.sorted(by: { utf8Order($0.key, $1.key) }).enumerated() { body(position, key, value) }
            return
        }
        withUnsafeTemporaryAllocation(of: (key: String, value: JSONValue).self, capacity: members.count) { buffer in
            guard let base = buffer.baseAddress else { return }
            var count = 0
            for member in members {
                var position = count
                while position > 0, utf8Order(member.key, base[position - 1].key) { position -= 1 }
                (base + position + 1).moveInitialize(from: base + position, count: count - position)
                (base + position).initialize(to: member)
                count += 1
            }
            for position in 0..<count { body(position, base[position].key, base[position].value) }
            base.deinitialize(count: count)
        }
    }

    /// Byte order of UTF-8, which is also code-point order: stable across processes and platforms.
    static func utf8Order(_ lhs: String, _ rhs: String) -> Bool {
        // Native strings lend their bytes, so the common case is one memcmp.
        let compared = lhs.utf8.withContiguousStorageIfAvailable { left in
            rhs.utf8.withContiguousStorageIfAvailable { right in
                let common = min(left.count, right.count)
                if common > 0, let leftBytes = left.baseAddress, let rightBytes = right.baseAddress {
                    let order = memcmp(leftBytes, rightBytes, common)
                    if order != 0 { return order < 0 }
                }
                return left.count < right.count
            }
        }
        return (compared ?? nil) ?? lhs.utf8.lexicographicallyPrecedes(rhs.utf8)
    }

    private static func newline(_ output: inout JSONOutput, layout: Layout, indent: Int) {
        guard layout == .pretty else { return }
        output.append(0x0A)
        for _ in 0..<(indent * 2) { output.append(UInt8(ascii: " ")) }
    }

    static func writeString(_ text: String, into output: inout JSONOutput) {
        output.append(UInt8(ascii: "\""))
        // Most strings need no escape: then they go in with one copy.
        let plain = text.utf8.withContiguousStorageIfAvailable { bytes in
            guard !bytes.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) else { return false }
            output.append(UnsafeRawBufferPointer(bytes))
            return true
        }
        if plain == true {
            output.append(UInt8(ascii: "\""))
            return
        }
        let hex: StaticString = "0123456789abcdef"
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): output.append("\\\"" as StaticString)
            case UInt8(ascii: "\\"): output.append("\\\\" as StaticString)
            case 0x0A: output.append("\\n" as StaticString)
            case 0x0D: output.append("\\r" as StaticString)
            case 0x09: output.append("\\t" as StaticString)
            case 0x00..<0x20:
                output.append("\\u00" as StaticString)
                output.append(hex.utf8Start[Int(byte >> 4)])
                output.append(hex.utf8Start[Int(byte & 0xF)])
            default: output.append(byte)
            }
        }
        output.append(UInt8(ascii: "\""))
    }
}

/// The bytes an encoding is written into. `Array` checks uniqueness and capacity on every
/// append, through a generic path for sequences, which costs more than the bytes themselves in
/// the small values tools exchange; this buffer only checks room, and doubles when there is none.
struct JSONOutput: ~Copyable {
    private var base: UnsafeMutablePointer<UInt8>
    private var count = 0
    private var capacity: Int

    init(capacity: Int) {
        self.capacity = max(capacity, 16)
        base = .allocate(capacity: self.capacity)
    }

    deinit { base.deallocate() }

    func withBytes<Result, Failure: Error>(_ body: (UnsafeRawBufferPointer) throws(Failure) -> Result) throws(Failure) -> Result {
        try body(UnsafeRawBufferPointer(start: base, count: count))
    }

    mutating func append(_ byte: UInt8) {
        if count == capacity { grow(to: count + 1) }
        base[count] = byte
        count += 1
    }

    mutating func append(_ bytes: UnsafeRawBufferPointer) {
        guard let source = bytes.baseAddress, !bytes.isEmpty else { return }
        if count + bytes.count > capacity { grow(to: count + bytes.count) }
        UnsafeMutableRawPointer(base + count).copyMemory(from: source, byteCount: bytes.count)
        count += bytes.count
    }

    mutating func append(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { append($0) }
    }

    mutating func append(_ text: StaticString) {
        append(UnsafeRawBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    /// A short native string (a number's literal) lends its bytes without a copy loop.
    mutating func append(utf8 text: String) {
        if text.utf8.withContiguousStorageIfAvailable({ append(UnsafeRawBufferPointer($0)) }) == nil {
            for byte in text.utf8 { append(byte) }
        }
    }

    private mutating func grow(to needed: Int) {
        let larger = max(capacity * 2, needed)
        let moved = UnsafeMutablePointer<UInt8>.allocate(capacity: larger)
        moved.update(from: base, count: count)
        base.deallocate()
        base = moved
        capacity = larger
    }
}

// MARK: - Codable

/// Codable bridging, for values embedded in `Codable` types (a tool's schema inside `skill.json`).
/// Foundation's coders do not expose a number's text, so through them an integer beyond 64 bits
/// arrives as a `Double` and a whole float such as `1.0` as the integer `1`; use `JSONValue.parse`
/// and `encoded()` where every digit matters.
extension JSONValue: Codable {
    public init(from decoder: any Decoder) throws {
        if var array = try? decoder.unkeyedContainer() {
            var items: [JSONValue] = []
            while !array.isAtEnd { items.append(try array.decode(JSONValue.self)) }
            self = .array(items)
            return
        }
        if let object = try? decoder.container(keyedBy: AnyCodingKey.self) {
            var members: [String: JSONValue] = [:]
            for key in object.allKeys { members[key.stringValue] = try object.decode(JSONValue.self, forKey: key) }
            self = .object(members)
            return
        }
        let single = try decoder.singleValueContainer()
        if single.decodeNil() {
            self = .null
        } else if let flag = try? single.decode(Bool.self) {
            self = .bool(flag)
        } else if let text = try? single.decode(String.self) {
            self = .string(text)
        } else if let integer = try? single.decode(Int64.self) {
            self = .number(JSONNumber(integer))
        } else if let integer = try? single.decode(UInt64.self) {
            self = .number(JSONNumber(integer))
        } else if let double = try? single.decode(Double.self), let number = JSONNumber(double) {
            self = .number(number)
        } else {
            throw DecodingError.dataCorruptedError(in: single, debugDescription: "not a JSON value")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        switch self {
        case .null:
            var single = encoder.singleValueContainer()
            try single.encodeNil()
        case .bool(let flag):
            var single = encoder.singleValueContainer()
            try single.encode(flag)
        case .number(let number):
            var single = encoder.singleValueContainer()
            if let integer = number.int64Value {
                try single.encode(integer)
            } else if let integer = number.uint64Value {
                try single.encode(integer)
            } else {
                try single.encode(number.doubleValue)
            }
        case .string(let text):
            var single = encoder.singleValueContainer()
            try single.encode(text)
        case .array(let items):
            var array = encoder.unkeyedContainer()
            for item in items { try array.encode(item) }
        case .object(let members):
            var object = encoder.container(keyedBy: AnyCodingKey.self)
            for (key, value) in members { try object.encode(value, forKey: AnyCodingKey(key)) }
        }
    }
}

public struct AnyCodingKey: CodingKey, Hashable, Sendable {
    public let stringValue: String
    public let intValue: Int?
    public init(_ string: String) { self.stringValue = string; self.intValue = nil }
    public init?(stringValue: String) { self.init(stringValue) }
    public init?(intValue: Int) { self.stringValue = String(intValue); self.intValue = intValue }
}

// MARK: - Typed values through JSONValue

extension JSONValue {
    /// Converts an `Encodable` value, going through our own parser so its numbers stay exact.
    public init<T: Encodable>(encoding value: T) throws {
        let data = try JSONEncoder().encode(value)
        self = try JSONValue.parse(bytes: data)
    }

    /// Decodes a `Decodable` type from this value.
    public func decode<T: Decodable>(_ type: T.Type) throws -> T {
        try JSONDecoder().decode(type, from: encodedData())
    }
}

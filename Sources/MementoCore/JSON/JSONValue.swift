/// A JSON value that round-trips faithfully.
///
/// Numbers keep their literal text, so an integer stays an integer, `1.0` stays `1.0`, and an
/// integer beyond 64 bits is never rounded through `Double`. Objects keep every key, including
/// ones a schema does not know, so a value decoded and re-encoded loses nothing but whitespace.
public enum JSONValue: Hashable, Sendable {
    case null
    case bool(Bool)
    case number(JSONNumber)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])
}

/// A JSON number held as its canonical literal text.
public struct JSONNumber: Hashable, Sendable, CustomStringConvertible {
    /// The literal as it appeared in the input (validated JSON number grammar).
    public let literal: String

    /// True when the literal has no fraction and no exponent.
    public var isInteger: Bool {
        func isFractionOrExponent(_ byte: UInt8) -> Bool {
            byte == UInt8(ascii: ".") || byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E")
        }
        // Literals are short native strings, which lend their bytes: no iterator to set up.
        return literal.utf8.withContiguousStorageIfAvailable { !$0.contains(where: isFractionOrExponent) }
            ?? !literal.utf8.contains(where: isFractionOrExponent)
    }

    public var int64Value: Int64? { isInteger ? Int64(literal) : nil }
    public var uint64Value: UInt64? { isInteger ? UInt64(literal) : nil }
    public var doubleValue: Double { Double(literal) ?? .nan }
    public var description: String { literal }

    /// Wraps an already-validated literal. Use `init?(validating:)` for untrusted text.
    init(trustedLiteral: String) { self.literal = trustedLiteral }

    public init?(validating text: String) {
        guard JSONNumber.isValidLiteral(Array(text.utf8)) else { return nil }
        self.literal = text
    }

    /// Inlinable so that it is specialised where it is called: unspecialised, `String(value)`
    /// takes the generic path, several times slower, on every tool call that returns a number.
    @inlinable public init<I: BinaryInteger>(_ value: I) { self.literal = String(value) }

    /// Doubles that are whole and in the exactly-representable range keep a `.0` so they decode
    /// back as floats; non-finite values have no JSON form and become `null` at the call site.
    public init?(_ value: Double) {
        guard value.isFinite else { return nil }
        var text = "\(value)"
        if !text.contains(".") && !text.contains("e") { text += ".0" }
        self.literal = text
    }

    static func isValidLiteral(_ bytes: [UInt8]) -> Bool {
        var index = 0
        return JSONNumber.scan(bytes, &index) && index == bytes.count
    }

    /// Advances over one number in JSON grammar; returns false when the grammar is broken.
    static func scan<C: RandomAccessCollection>(_ bytes: C, _ index: inout C.Index) -> Bool where C.Element == UInt8 {
        func isDigit(_ i: C.Index) -> Bool { i < bytes.endIndex && bytes[i] >= 0x30 && bytes[i] <= 0x39 }
        if index < bytes.endIndex && bytes[index] == UInt8(ascii: "-") { bytes.formIndex(after: &index) }
        guard isDigit(index) else { return false }
        if bytes[index] == UInt8(ascii: "0") {
            bytes.formIndex(after: &index)
        } else {
            while isDigit(index) { bytes.formIndex(after: &index) }
        }
        if index < bytes.endIndex && bytes[index] == UInt8(ascii: ".") {
            bytes.formIndex(after: &index)
            guard isDigit(index) else { return false }
            while isDigit(index) { bytes.formIndex(after: &index) }
        }
        if index < bytes.endIndex && (bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E")) {
            bytes.formIndex(after: &index)
            if index < bytes.endIndex && (bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-")) {
                bytes.formIndex(after: &index)
            }
            guard isDigit(index) else { return false }
            while isDigit(index) { bytes.formIndex(after: &index) }
        }
        return true
    }
}

// MARK: - Convenience accessors

extension JSONValue {
    public subscript(key: String) -> JSONValue? {
        if case .object(let members) = self { return members[key] }
        return nil
    }

    public var stringValue: String? {
        if case .string(let text) = self { return text }
        return nil
    }

    public var boolValue: Bool? {
        if case .bool(let flag) = self { return flag }
        return nil
    }

    public var int64Value: Int64? {
        if case .number(let number) = self { return number.int64Value }
        return nil
    }

    public var doubleValue: Double? {
        if case .number(let number) = self { return number.doubleValue }
        return nil
    }

    public var arrayValue: [JSONValue]? {
        if case .array(let items) = self { return items }
        return nil
    }

    public var objectValue: [String: JSONValue]? {
        if case .object(let members) = self { return members }
        return nil
    }

    /// The JSON type name, as JSON Schema spells it; used in error messages.
    public var typeName: String {
        switch self {
        case .null: return "null"
        case .bool: return "boolean"
        case .number(let number): return number.isInteger ? "integer" : "number"
        case .string: return "string"
        case .array: return "array"
        case .object: return "object"
        }
    }
}

extension JSONValue: ExpressibleByNilLiteral, ExpressibleByBooleanLiteral, ExpressibleByIntegerLiteral,
    ExpressibleByFloatLiteral, ExpressibleByStringLiteral, ExpressibleByArrayLiteral,
    ExpressibleByDictionaryLiteral
{
    public init(nilLiteral: ()) { self = .null }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(integerLiteral value: Int64) { self = .number(JSONNumber(value)) }
    public init(floatLiteral value: Double) { self = JSONNumber(value).map { .number($0) } ?? .null }
    public init(stringLiteral value: String) { self = .string(value) }
    public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        self = .object(Dictionary(elements, uniquingKeysWith: { _, last in last }))
    }
}

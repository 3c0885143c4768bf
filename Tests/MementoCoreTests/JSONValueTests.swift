import Foundation
import Testing

@testable import MementoCore

/// Parses or records the failure, so a test can assert on either without `try!`.
private func parseResult(_ text: String) -> Result<JSONValue, JSONParseError> {
    Result { () throws(JSONParseError) -> JSONValue in try JSONValue.parse(text) }
}

private func parseBytes(_ bytes: [UInt8]) -> Result<JSONValue, JSONParseError> {
    Result { () throws(JSONParseError) -> JSONValue in try JSONValue.parse(bytes: bytes) }
}

private func parseError(_ text: String) -> JSONParseError? {
    if case .failure(let error) = parseResult(text) { return error }
    return nil
}

@Suite("JSONValue")
struct JSONValueTests {
    /// Strings are scanned sixteen, then eight bytes at a time until a quote, a backslash or a
    /// control character: each of those, at every offset around the block boundaries, must
    /// still be seen.
    @Test func stringsAreReadRightWhateverTheOffsetOfTheirSpecialBytes() throws {
        for length in 0..<44 {
            for offset in 0..<max(length, 1) {
                let plain = String(repeating: "a", count: length)
                #expect(try JSONValue.parse("\"\(plain)\"") == .string(plain))
                var escaped = Array(plain)
                if offset < escaped.count { escaped[offset] = "\\" }
                let withEscape = String(escaped).replacingOccurrences(of: "\\", with: "\\n")
                let decoded = String(escaped).replacingOccurrences(of: "\\", with: "\n")
                #expect(try JSONValue.parse("\"\(withEscape)\"") == .string(decoded), "escape at \(offset) of \(length)")
                var control = Array(plain.utf8)
                if offset < control.count { control[offset] = 0x01 }
                if length > 0 {
                    #expect(throws: JSONParseError.self, "control byte at \(offset) of \(length)") {
                        try JSONValue.parse(bytes: Array("\"".utf8) + control + Array("\"".utf8))
                    }
                }
                // A string that ends at each offset, followed by more JSON.
                let prefix = String(plain.prefix(offset))
                #expect(try JSONValue.parse("[\"\(prefix)\",\"é\u{1F600}\"]") == .array([.string(prefix), .string("é\u{1F600}")]))
            }
        }
        // Bytes at and above 0x80 (UTF-8) never look like the end of plain text.
        let wide = String(repeating: "ü€\u{10348}", count: 50)
        #expect(try JSONValue.parse("\"\(wide)\"") == .string(wide))
    }

    // MARK: Round trips

    @Test("every type survives parse → encode byte for byte", arguments: [
        "null", "true", "false", "0", "-0", "42", "-17", "3.25", "-0.5", "1e3", "1E-7", "2.5e+10",
        "\"\"", "\"text\"", "[]", "[1,\"a\",null]", "{}", "{\"a\":{\"b\":[true,false]}}",
    ])
    func roundTrip(text: String) throws {
        let value = try JSONValue.parse(text)
        #expect(value.encoded() == text)
        #expect(try JSONValue.parse(value.encoded()) == value)
    }

    @Test("parse gives the expected case for each type")
    func parsedCases() throws {
        #expect(try JSONValue.parse("null") == .null)
        #expect(try JSONValue.parse("true") == .bool(true))
        #expect(try JSONValue.parse("\"hi\"") == .string("hi"))
        #expect(try JSONValue.parse("[1,2]") == [1, 2])
        #expect(try JSONValue.parse("{\"k\":\"v\"}") == ["k": "v"])
        #expect(try JSONValue.parse(" \t\r\n 7 \n") == 7)
    }

    @Test("1, 1.0 and 1e3 stay distinct literals")
    func numberLiteralsKept() throws {
        let value = try JSONValue.parse("[1,1.0,1e3,1000]")
        #expect(value.encoded() == "[1,1.0,1e3,1000]")
        let items = try #require(value.arrayValue)
        #expect(items[0] != items[1])
        #expect(items[2] != items[3])
        #expect(items[0].typeName == "integer")
        #expect(items[1].typeName == "number")
        #expect(items[2].typeName == "number")
        #expect(items[0].int64Value == 1)
        #expect(items[1].int64Value == nil)
        #expect(items[2].doubleValue == 1000)
    }

    @Test("integers beyond 64 bits are never rounded", arguments: [
        "18446744073709551617",  // 2^64 + 1
        "123456789012345678901234567890",
        "-123456789012345678901234567890",
        "9223372036854775808",  // Int64.max + 1
    ])
    func bigIntegers(literal: String) throws {
        let value = try JSONValue.parse("{\"n\":\(literal)}")
        #expect(value.encoded() == "{\"n\":\(literal)}")
        let number = try #require(value["n"])
        #expect(number.typeName == "integer")
        #expect(number.int64Value == nil)
    }

    @Test("64-bit limits convert exactly")
    func integerAccessors() throws {
        let max = try #require(JSONValue.parse("18446744073709551615").asNumber)
        #expect(max.uint64Value == UInt64.max)
        #expect(max.int64Value == nil)
        let min = try #require(JSONValue.parse("-9223372036854775808").asNumber)
        #expect(min.int64Value == Int64.min)
    }

    @Test("unknown fields survive parse → encode")
    func unknownFieldsKept() throws {
        let text = #"{"known":1,"x-vendor":{"deep":[1.50,{"z":null}]},"zeta":"\u00e9"}"#
        let value = try JSONValue.parse(text)
        #expect(value.encoded() == #"{"known":1,"x-vendor":{"deep":[1.50,{"z":null}]},"zeta":"é"}"#)
    }

    @Test("compact encoding sorts keys by UTF-8 bytes")
    func sortedCompact() throws {
        let value: JSONValue = ["b": 1, "a": 2, "B": 3, "é": 4, "aa": 5, "": 6, "_": 7, "z": ["y": true, "x": false]]
        let expected = #"{"":6,"B":3,"_":7,"a":2,"aa":5,"b":1,"z":{"x":false,"y":true},"é":4}"#
        #expect(value.encoded() == expected)
        #expect(Array(value.encodedData()) == Array(expected.utf8))
    }

    @Test("UTF-8 byte order, not UTF-16 order: U+FF61 sorts before U+1F600")
    func utf8OrderBeyondBMP() {
        let value: JSONValue = ["\u{1F600}": 1, "\u{FF61}": 2]
        #expect(value.encoded() == "{\"\u{FF61}\":2,\"\u{1F600}\":1}")
    }

    @Test("pretty layout: two-space indent, ': ' after keys, empty containers inline")
    func prettyLayout() {
        let value: JSONValue = ["b": [1, 2], "a": ["c": "d"], "e": [], "f": [:]]
        let expected = """
            {
              "a": {
                "c": "d"
              },
              "b": [
                1,
                2
              ],
              "e": [],
              "f": {}
            }
            """
        #expect(value.encoded(.pretty) == expected)
        #expect(value.encodedData(.pretty) == Data((expected + "\n").utf8))
    }

    // MARK: Strings and escapes

    @Test("escapes decode", arguments: [
        (#""\"\\\/\b\f\n\r\t""#, "\"\\/\u{08}\u{0C}\n\r\t"),
        (#""\u0041\u00e9\u20AC""#, "Aé€"),
        (#""\ud83d\ude00""#, "😀"),
        (#""a\u0000b""#, "a\u{0}b"),
    ])
    func escapes(text: String, expected: String) throws {
        #expect(try JSONValue.parse(text) == .string(expected))
    }

    @Test("control characters are escaped on output and round-trip")
    func controlCharactersEncoded() throws {
        let original = "q\"b\\n\nr\rt\tx\u{0}\u{1}\u{8}\u{C}\u{1F}é😀"
        let encoded = JSONValue.string(original).encoded()
        #expect(encoded == #""q\"b\\n\nr\rt\tx\u0000\u0001\u0008\u000c\u001fé😀""#)
        #expect(try JSONValue.parse(encoded) == .string(original))
        for scalar in 0..<0x20 {
            let text = String(Character(Unicode.Scalar(UInt8(scalar))))
            #expect(try JSONValue.parse(JSONValue.string(text).encoded()) == .string(text))
        }
    }

    @Test("raw control characters inside strings are rejected", arguments: ["\"a\nb\"", "\"a\u{1}\"", "\"\\n\u{9}\""])
    func rawControlRejected(text: String) {
        #expect(parseError(text) != nil)
    }

    @Test("lone and malformed surrogates are rejected", arguments: [
        #""\ud83d""#, #""\ud83dx""#, #""\ude00""#, #""\ud83d\u0041""#, #""\ud83d\ud83d""#, #""a\udfff""#,
    ])
    func loneSurrogates(text: String) {
        let error = parseError(text)
        #expect(error != nil)
        #expect(error?.reason.contains("surrogate") == true)
    }

    @Test("invalid UTF-8 is rejected with the string's offset", arguments: [
        [0x22, 0xFF, 0x22],
        [0x22, 0x61, 0xC3, 0x22],  // truncated two-byte sequence
        [0x22, 0xED, 0xA0, 0x80, 0x22],  // UTF-8-encoded surrogate
        [0x22, 0xC0, 0xAF, 0x22],  // overlong '/'
        [0x22, 0x5C, 0x6E, 0xFE, 0x22],  // after an escape (slow path)
    ] as [[UInt8]])
    func invalidUTF8(bytes: [UInt8]) {
        guard case .failure(let error) = parseBytes(bytes) else {
            Issue.record("accepted invalid UTF-8 \(bytes)")
            return
        }
        #expect(error.reason.contains("UTF-8"))
        #expect(error.offset == 1)
    }

    @Test("parse from bytes, Data and a buffer agree")
    func parseEntryPoints() throws {
        let text = #"{"a":[1,2.0,"x"]}"#
        let fromString = try JSONValue.parse(text)
        #expect(try JSONValue.parse(bytes: Data(text.utf8)) == fromString)
        #expect(try JSONValue.parse(bytes: Array(text.utf8)) == fromString)
        #expect(try JSONValue.parse(bytes: text.utf8) == fromString)
        let viaBuffer = try Array(text.utf8).withUnsafeBufferPointer { buffer in
            try JSONValue.parse(buffer)
        }
        #expect(viaBuffer == fromString)
    }

    @Test("random documents survive compact and pretty round trips; random bytes never crash the parser")
    func randomRoundTrips() throws {
        var generator = SplitMix64(seed: 0x5EED)
        for _ in 0..<300 {
            let value = randomValue(depth: 0, using: &generator)
            #expect(try JSONValue.parse(value.encoded()) == value)
            #expect(try JSONValue.parse(value.encoded(.pretty)) == value)
            #expect(try JSONValue.parse(bytes: value.encodedData(.pretty)) == value)
        }
        let alphabet = Array("{}[]\",:0123456789-+.eEtrufalsn \\u".utf8) + [0x00, 0x1F, 0x80, 0xC3, 0xFF]
        for _ in 0..<3000 {
            let bytes = (0..<Int.random(in: 0...24, using: &generator)).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &generator)] }
            if case .success(let value) = parseBytes(bytes) {
                #expect(try JSONValue.parse(value.encoded()) == value)
            }
        }
    }

    // MARK: Malformed input

    @Test("malformed input is rejected at a sensible offset", arguments: [
        ("", 0),
        ("   ", 3),
        ("[1,]", 3),
        ("{\"a\":1,}", 7),
        ("[1 2]", 3),
        ("{\"a\" 1}", 5),
        ("{a:1}", 1),
        ("01", 1),
        ("[01]", 2),
        ("-01", 2),
        ("1.", 2),
        ("1.e5", 2),
        (".5", 0),
        ("+1", 0),
        ("-", 1),
        ("1e", 2),
        ("1e+", 3),
        ("\"abc", 4),
        ("\"abc\\", 5),
        ("\"\\x\"", 3),
        ("\"\\u12G4\"", 5),
        ("\"\\u12", 3),
        ("[1", 2),
        ("{\"a\":1", 6),
        ("{\"a\":", 5),
        ("[1] x", 4),
        ("{} {}", 3),
        ("nul", 0),
        ("tru e", 0),
        ("NaN", 0),
        ("Infinity", 0),
        ("'a'", 0),
    ])
    func malformed(text: String, offset: Int) {
        let error = parseError(text)
        #expect(error != nil, "accepted \(text)")
        #expect(error?.offset == offset, "\(text): \(error.map(String.init(describing:)) ?? "")")
    }

    @Test("error description names the byte offset")
    func errorDescription() {
        let error = parseError("[1,]")
        #expect(error?.description.hasPrefix("invalid JSON at byte 3:") == true)
    }

    @Test("nesting up to the cap parses; beyond it fails without crashing")
    func depthCap() throws {
        let limit = JSONByteParser.maximumDepth
        let deepest = String(repeating: "[", count: limit) + String(repeating: "]", count: limit)
        #expect(parseError(deepest) == nil)
        let tooDeep = String(repeating: "[", count: limit + 1) + String(repeating: "]", count: limit + 1)
        #expect(parseError(tooDeep)?.reason.contains("nesting") == true)
        let hostile = String(repeating: "[{\"a\":", count: 200_000)
        #expect(parseError(hostile)?.reason.contains("nesting") == true)
    }

    // MARK: Checking without building the value

    /// What `validate` said of `bytes`: nil when it accepted them, else its error; and each
    /// top-level member it reported.
    private static func check(_ bytes: [UInt8]) -> (error: JSONParseError?, members: [(name: String, first: UInt8)]) {
        var members: [(name: String, first: UInt8)] = []
        let outcome = bytes.withUnsafeBufferPointer { buffer in
            Result { () throws(JSONParseError) in
                try JSONValue.validate(buffer) { name, value in
                    // The range is the value's whole text: it parses on its own.
                    #expect((try? JSONValue.parse(UnsafeBufferPointer(rebasing: buffer[value]))) != nil, "\(bytes)")
                    members.append((String(decoding: name, as: UTF8.self), buffer[value.lowerBound]))
                }
            }
        }
        if case .failure(let error) = outcome { return (error, members) }
        return (nil, members)
    }

    /// The first byte a value's encoding starts with, whatever the layout.
    private static func firstByte(of value: JSONValue) -> UInt8 {
        switch value {
        case .object: return UInt8(ascii: "{")
        case .array: return UInt8(ascii: "[")
        case .string: return UInt8(ascii: "\"")
        case .bool(let flag): return flag ? UInt8(ascii: "t") : UInt8(ascii: "f")
        case .null: return UInt8(ascii: "n")
        case .number(let number): return number.literal.utf8.first ?? 0
        }
    }

    /// `validate` must never call good what `parse` refuses (a reply kept as text is parsed
    /// later, and must not fail then), nor refuse what it accepts.
    @Test("validate accepts exactly what parse accepts, and fails at the same byte for the same reason")
    func validateAgreesWithParse() {
        var corpus: [[UInt8]] = [
            "", "   ", "[1,]", "{\"a\":1,}", "[1 2]", "{\"a\" 1}", "{a:1}", "01", "[01]", "-01", "1.", "1.e5", ".5", "+1",
            "-", "1e", "1e+", "\"abc", "\"abc\\", "\"\\x\"", "\"\\u12G4\"", "\"\\u12", "[1", "{\"a\":1", "{\"a\":", "[1] x",
            "{} {}", "nul", "tru e", "NaN", "'a'", "\"\\ud800\"", "\"\\udc00x\"", "\"\\ud800\\u0041\"", "\"a\nb\"",
            "{\"\\u0065rror\":{\"message\":\"m\"}}", "{\"error\":1,\"error\":{}}", " {\n \"a\" : [ 1 , { } ] } ",
        ].map { Array($0.utf8) }
        corpus += [[0x22, 0xC3, 0x28, 0x22], [0x22, 0xFF, 0x22], [0x22, 0xED, 0xA0, 0x80, 0x22], [0x7B, 0x22, 0xE2, 0x82, 0x22, 0x3A, 0x31, 0x7D]]
        let limit = JSONByteParser.maximumDepth
        for depth in [limit - 1, limit, limit + 1] {
            corpus.append(Array((String(repeating: "[", count: depth) + String(repeating: "]", count: depth)).utf8))
            corpus.append(Array((String(repeating: "{\"a\":", count: depth) + "1" + String(repeating: "}", count: depth)).utf8))
        }
        var generator = SplitMix64(seed: 0xC0FFEE)
        for _ in 0..<200 {
            let value = randomValue(depth: 0, using: &generator)
            let compact = Array(value.encoded().utf8)
            corpus += [compact, Array(value.encoded(.pretty).utf8), Array(compact.dropLast())]
            // The same document cut short, and with one byte flipped, somewhere.
            if !compact.isEmpty {
                let cut = Int.random(in: 0..<compact.count, using: &generator)
                corpus.append(Array(compact[..<cut]))
                var flipped = compact
                flipped[cut] ^= UInt8(1 << Int.random(in: 0..<8, using: &generator))
                corpus.append(flipped)
            }
        }
        let alphabet = Array("{}[]\",:0123456789-+.eEtrufalsn \\u".utf8) + [0x00, 0x1F, 0x80, 0xC3, 0xFF]
        for _ in 0..<3000 {
            corpus.append((0..<Int.random(in: 0...24, using: &generator)).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &generator)] })
        }
        for bytes in corpus {
            let checked = Self.check(bytes)
            switch parseBytes(bytes) {
            case .failure(let error):
                #expect(checked.error == error, "\(bytes)")
            case .success(let value):
                #expect(checked.error == nil, "\(bytes)")
                guard case .object(let members) = value else {
                    #expect(checked.members.isEmpty)
                    continue
                }
                // Every member is reported as it comes; of a repeated name, the last one counts.
                #expect(Set(checked.members.map(\.name)) == Set(members.keys), "\(bytes)")
                for (name, member) in members {
                    #expect(checked.members.last(where: { $0.name == name })?.first == Self.firstByte(of: member), "\(name) in \(bytes)")
                }
            }
        }
    }

    @Test("JSONText keeps the bytes it checked and parses them on demand; bad text is refused")
    func jsonText() throws {
        let bytes = Array(#" {"b": [1, 2.0], "a": "é"} "#.utf8)
        let text = try JSONText(checking: bytes)
        #expect(text.bytes == bytes)
        #expect(try text.parsed() == ["a": "é", "b": [1, 2.0]])
        #expect(throws: JSONParseError.self) { try JSONText(checking: Array(#"{"a":}"#.utf8)) }
    }

    // MARK: Encoding into a buffer

    @Test("keys of objects of every size come out in UTF-8 order, through stack and array sorting")
    func keyOrderAtEverySize() throws {
        var generator = SplitMix64(seed: 0x0BDE)
        let pieces = ["a", "B", "é", "€", "😀", "z", "0", "_", "aa", "\u{7F}"]
        for size in [0, 1, 2, 3, 15, 16, 17, 40] {
            var members: [String: JSONValue] = [:]
            while members.count < size {
                let key = (0..<Int.random(in: 1...3, using: &generator)).map { _ in pieces[Int.random(in: 0..<pieces.count, using: &generator)] }.joined()
                members[key] = .number(JSONNumber(members.count))
            }
            let encoded = JSONValue.object(members).encoded()
            #expect(try JSONValue.parse(encoded) == .object(members))
            // Where each key is written, taken in UTF-8 order of the keys: it must rise.
            let expected = members.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
            let positions = expected.compactMap { encoded.range(of: JSONValue.string($0).encoded() + ":")?.lowerBound }
            #expect(positions.count == size && positions == positions.sorted(), "size \(size): \(encoded)")
        }
    }

    @Test("a compact encoding framed by a prefix and a suffix is the encoding between them; large values grow the buffer")
    func framedEncoding() throws {
        let big = String(repeating: "x\u{1F600}\n", count: 20_000)
        for value: JSONValue in [nil, 1, "a", [1, ["k": [true]]], ["text": .string(big), "n": 1.5]] {
            let prefix = Array(#"{"arguments":"#.utf8), suffix = Array(#","tool":"t"}"#.utf8)
            let framed = value.withCompactEncoding(prefix: prefix, suffix: suffix) { Array($0) }
            #expect(framed == prefix + Array(value.encoded().utf8) + suffix)
            var appended = Array("head".utf8)
            value.write(into: &appended)
            #expect(appended == Array(("head" + value.encoded()).utf8))
        }
    }

    // MARK: Numbers built in Swift

    @Test("numbers built from Swift values")
    func numbersFromSwift() {
        #expect(JSONValue(floatLiteral: 2.0).encoded() == "2.0")
        #expect(JSONValue(floatLiteral: 0.1).encoded() == "0.1")
        #expect(JSONValue(floatLiteral: .infinity) == .null)
        #expect(JSONNumber(Double.nan) == nil)
        #expect(JSONNumber(1e300)?.literal == "1e+300")
        #expect(JSONNumber(UInt64.max).literal == "18446744073709551615")
        #expect(JSONNumber(validating: "1.5e3")?.literal == "1.5e3")
        for bad in ["01", "1.", ".5", "+1", "", "1 ", "0x10", "1e"] {
            #expect(JSONNumber(validating: bad) == nil, "\(bad)")
        }
    }

    // MARK: Codable bridging

    struct Envelope: Codable, Equatable {
        var name: String
        var payload: JSONValue
    }

    @Test("Codable round trip through Foundation's coders")
    func codableRoundTrip() throws {
        let payload: JSONValue = ["list": [1, "two", true, nil, ["x": 2.5]], "flag": false, "empty": [:], "none": []]
        let original = Envelope(name: "n", payload: payload)
        let data = try JSONEncoder().encode(original)
        let decoded = try JSONDecoder().decode(Envelope.self, from: data)
        #expect(decoded == original)
    }

    @Test("Codable bridging keeps values Foundation can represent")
    func codableNumbers() throws {
        let payload = try JSONValue.parse(#"{"i":1,"g":2.5,"max":18446744073709551615,"neg":-3,"tiny":1e-7}"#)
        let decoded = try JSONDecoder().decode(JSONValue.self, from: Data(payload.encoded().utf8))
        #expect(decoded["i"] == 1)
        #expect(decoded["g"] == payload["g"])
        #expect(decoded["max"] == payload["max"])
        #expect(decoded["neg"] == payload["neg"])
        #expect(decoded["tiny"]?.doubleValue == 1e-7)
        let reencoded = try JSONValue.parse(bytes: JSONEncoder().encode(payload))
        #expect(reencoded["i"] == 1)
        #expect(reencoded["g"] == payload["g"])
        #expect(reencoded["max"] == payload["max"])
    }

    @Test("Foundation's coders cannot keep 1.0 apart from 1: the documented limit of Codable bridging")
    func codableLimit() throws {
        let decoded = try JSONDecoder().decode(JSONValue.self, from: Data("[1.0,18446744073709551617]".utf8))
        #expect(decoded.arrayValue?.first?.doubleValue == 1)
        #expect(decoded.arrayValue?.last?.int64Value == nil)
        #expect(try JSONValue.parse("[1.0,18446744073709551617]").encoded() == "[1.0,18446744073709551617]")
    }

    @Test("init(encoding:) and decode(_:) go through the exact parser")
    func typedBridging() throws {
        let original = Envelope(name: "tool", payload: ["schema": ["type": "object"], "n": 3])
        let value = try JSONValue(encoding: original)
        #expect(value["name"] == "tool")
        #expect(value["payload"]?["n"] == 3)
        #expect(try value.decode(Envelope.self) == original)
        #expect(throws: DecodingError.self) { try JSONValue.string("x").decode(Envelope.self) }
    }

    @Test("accessors return nil for other types")
    func accessors() {
        let value: JSONValue = ["s": "x", "b": true, "a": [1], "o": ["k": nil]]
        #expect(value["s"]?.stringValue == "x")
        #expect(value["s"]?.boolValue == nil)
        #expect(value["b"]?.boolValue == true)
        #expect(value["a"]?.arrayValue == [1])
        #expect(value["o"]?.objectValue == ["k": .null])
        #expect(value["missing"] == nil)
        #expect(JSONValue.string("x")["k"] == nil)
        #expect(JSONValue.null.typeName == "null")
        #expect(JSONValue.bool(true).typeName == "boolean")
        #expect(JSONValue.array([]).typeName == "array")
        #expect(JSONValue.object([:]).typeName == "object")
        #expect(JSONValue.string("").typeName == "string")
    }
}

extension JSONValue {
    fileprivate var asNumber: JSONNumber? {
        if case .number(let number) = self { return number }
        return nil
    }
}

/// A small deterministic generator, so a failing random case reproduces.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

private func randomValue(depth: Int, using generator: inout SplitMix64) -> JSONValue {
    let scalars: [Unicode.Scalar] = ["a", "Z", " ", "\"", "\\", "\n", "\u{0}", "\u{1F}", "é", "\u{2028}", "€", "😀", "\u{FFFF}"]
    func text() -> String {
        String(String.UnicodeScalarView((0..<Int.random(in: 0...6, using: &generator)).map { _ in
            scalars[Int.random(in: 0..<scalars.count, using: &generator)]
        }))
    }
    let choice = Int.random(in: 0..<(depth < 4 ? 8 : 5), using: &generator)
    switch choice {
    case 0: return .null
    case 1: return .bool(Bool.random(using: &generator))
    case 2:
        let literals = ["0", "-0", "7", "-12", "1.5", "1.0", "1e3", "2E-7", "-0.25e+10", "18446744073709551617", "123456789012345678901234567890"]
        return .number(JSONNumber(validating: literals[Int.random(in: 0..<literals.count, using: &generator)]) ?? JSONNumber(0))
    case 3: return .number(JSONNumber(Int64.random(in: .min ... .max, using: &generator)))
    case 4: return .string(text())
    case 5, 6:
        return .array((0..<Int.random(in: 0...4, using: &generator)).map { _ in randomValue(depth: depth + 1, using: &generator) })
    default:
        var members: [String: JSONValue] = [:]
        for _ in 0..<Int.random(in: 0...4, using: &generator) { members[text()] = randomValue(depth: depth + 1, using: &generator) }
        return .object(members)
    }
}

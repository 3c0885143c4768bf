import Testing

@testable import MementoCore

private func range(_ text: String) throws -> VersionRange { try VersionRange(parsing: text) }
private func version(_ text: String) throws -> SemanticVersion { try SemanticVersion(parsing: text) }

@Suite("VersionRange")
struct VersionRangeTests {
    /// (range, versions it admits, versions it refuses)
    static let cases: [(String, [String], [String])] = [
        // Exact.
        ("1.2.3", ["1.2.3", "1.2.3+build"], ["1.2.4", "1.2.2", "1.2.3-beta"]),
        ("=1.2.3", ["1.2.3"], ["1.2.4"]),
        ("v1.2.3", ["1.2.3"], ["1.2.4"]),
        // Partial exact means the whole tuple prefix, as in npm.
        ("1.2", ["1.2.0", "1.2.99"], ["1.3.0", "1.1.9", "1.2.0-beta"]),
        ("1", ["1.0.0", "1.99.0"], ["2.0.0", "0.9.0"]),
        ("1.x", ["1.0.0", "1.5.2"], ["2.0.0"]),
        ("1.2.*", ["1.2.0", "1.2.7"], ["1.3.0"]),
        // Caret: the left-most non-zero part is fixed.
        ("^1.2.3", ["1.2.3", "1.9.9"], ["1.2.2", "2.0.0", "2.0.0-beta", "1.3.0-beta"]),
        ("^1.2", ["1.2.0", "1.99.0"], ["1.1.9", "2.0.0"]),
        ("^1", ["1.0.0", "1.9.0"], ["0.9.9", "2.0.0"]),
        ("^0.2.3", ["0.2.3", "0.2.9"], ["0.3.0", "0.2.2"]),
        ("^0.2", ["0.2.0", "0.2.9"], ["0.3.0", "0.1.9"]),
        ("^0.0.3", ["0.0.3"], ["0.0.4", "0.0.2", "0.1.0"]),
        ("^0.0", ["0.0.0", "0.0.9"], ["0.1.0"]),
        ("^0", ["0.0.0", "0.9.9"], ["1.0.0"]),
        // Tilde: patch updates; `~1` allows minor ones.
        ("~1.2.3", ["1.2.3", "1.2.9"], ["1.3.0", "1.2.2"]),
        ("~1.2", ["1.2.0", "1.2.9"], ["1.3.0"]),
        ("~1", ["1.0.0", "1.9.9"], ["2.0.0"]),
        ("~0.2.3", ["0.2.3", "0.2.5"], ["0.3.0"]),
        ("~>1.2.3", ["1.2.5"], ["1.3.0"]),
        // Comparators: missing parts follow npm and Cargo.
        (">=1.2", ["1.2.0", "5.0.0"], ["1.1.9"]),
        (">1.2", ["1.3.0", "2.0.0"], ["1.2.0", "1.2.5", "1.3.0-beta"]),
        (">1", ["2.0.0"], ["1.0.0", "1.9.9"]),
        (">1.2.3", ["1.2.4"], ["1.2.3"]),
        ("<2", ["1.9.9", "0.0.1"], ["2.0.0", "2.0.1"]),
        ("<1.2", ["1.1.9"], ["1.2.0"]),
        ("<=1.2", ["1.2.0", "1.2.9"], ["1.3.0", "1.3.0-0"]),
        ("<=1", ["1.9.9"], ["2.0.0"]),
        ("<=1.2.3", ["1.2.3"], ["1.2.4"]),
        // Conjunctions.
        (">=1.0 <2", ["1.0.0", "1.9.9"], ["0.9.9", "2.0.0", "2.0.0-rc.1"]),
        (">=1.2.0 <=1.4.0", ["1.2.0", "1.4.0"], ["1.4.1"]),
        (" >=1.0   <1.5 ", ["1.4.0"], ["1.5.0"]),
        (">=1.0\t<2", ["1.5.0"], ["2.0.0"]),
        ("^1.2 >=1.5", ["1.5.0"], ["1.4.0", "2.0.0"]),
        // Anything.
        ("*", ["0.0.0", "99.0.0"], ["1.0.0-beta"]),
        ("", ["1.0.0"], ["1.0.0-beta"]),
        ("x", ["3.1.4"], []),
        // Prereleases only when named on the same tuple.
        (">=1.0.0-beta", ["1.0.0-beta", "1.0.0-beta.2", "1.0.0-rc.1", "1.0.0", "2.0.0"], ["1.0.0-alpha", "1.0.1-beta", "2.0.0-beta"]),
        ("^1.2.3-beta.2", ["1.2.3-beta.2", "1.2.3-beta.10", "1.2.3", "1.5.0"], ["1.2.3-beta.1", "1.2.4-beta", "2.0.0-0"]),
        ("~1.2.3-rc.1", ["1.2.3-rc.1", "1.2.3", "1.2.9"], ["1.2.4-rc.1", "1.3.0"]),
        ("1.2.3-rc.1", ["1.2.3-rc.1"], ["1.2.3", "1.2.3-rc.2"]),
        (">1.0.0-alpha <1.0.0", ["1.0.0-beta"], ["1.0.0-alpha", "1.0.0"]),
    ]

    @Test("admits and refuses", arguments: cases)
    func admits(text: String, inside: [String], outside: [String]) throws {
        let parsed = try range(text)
        for candidate in inside {
            #expect(try parsed.contains(version(candidate)), "\(text) should admit \(candidate)")
        }
        for candidate in outside {
            #expect(try !parsed.contains(version(candidate)), "\(text) should refuse \(candidate)")
        }
    }

    @Test("highest(in:) picks the best admitted release")
    func highest() throws {
        let available = try ["0.9.0", "1.0.0", "1.4.2", "1.10.0", "2.0.0-beta", "2.0.0", "2.1.0-rc.1"].map(version)
        #expect(try range("^1.0").highest(in: available) == version("1.10.0"))
        #expect(try range("~1.4").highest(in: available) == version("1.4.2"))
        #expect(try range("*").highest(in: available) == version("2.0.0"))
        #expect(try range(">=2.1.0-rc.0").highest(in: available) == version("2.1.0-rc.1"))
        #expect(try range("^3").highest(in: available) == nil)
        #expect(try range("^1").highest(in: [SemanticVersion]()) == nil)
    }

    @Test("invalid ranges throw invalidRange naming the text", arguments: [
        "abc", ">=", "<", "1.2.3.4", "^", "~", "^1.x.y", ">=1.0 <", "1.2-beta", ">=01.0", "1..2", "=", "1.0 || 2.0",
        "^1.2.3-", ">=1.0.0-01", "1.x.3", "1.*.3",
        "^18446744073709551615", "~1.18446744073709551615", ">1.18446744073709551615", "^0.0.18446744073709551615",
    ])
    func invalid(text: String) {
        #expect {
            try VersionRange(parsing: text)
        } throws: { error in
            guard case VersionError.invalidRange(let named, let reason) = error else { return false }
            return named == text && !reason.isEmpty
        }
    }

    @Test("description is the trimmed text, `*` when empty")
    func description() throws {
        #expect(try range(" ^1.2 ").description == "^1.2")
        #expect(try range("^1.2\n").description == "^1.2")
        #expect(try range("").description == "*")
        #expect(VersionRange.any.description == "*")
        #expect(try range("*") == VersionRange.any)
        #expect(try VersionRange.any.contains(version("7.0.0")))
    }

    @Test("caret bounds are expressed as comparators")
    func comparators() throws {
        let parsed = try range("^0.2.3")
        #expect(parsed.comparators.map(\.operation) == [.greaterOrEqual, .less])
        #expect(parsed.comparators.map(\.version.description) == ["0.2.3", "0.3.0-0"])
    }
}

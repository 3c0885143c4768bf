/// A version per semver.org 2.0.0: `MAJOR.MINOR.PATCH[-PRERELEASE][+BUILD]`.
///
/// Ordering follows §11: numeric identifiers compare numerically, alphanumeric ones in ASCII order,
/// numeric identifiers sort before alphanumeric ones, a longer prerelease wins when all shared
/// identifiers are equal, and any prerelease sorts before its release. Build metadata is kept for
/// display but ignored in comparisons, so `1.0.0+a == 1.0.0+b`.
public struct SemanticVersion: Hashable, Comparable, Sendable, CustomStringConvertible, Codable {
    public let major: UInt64
    public let minor: UInt64
    public let patch: UInt64
    public let prerelease: [String]
    public let build: [String]

    public init(_ major: UInt64, _ minor: UInt64, _ patch: UInt64, prerelease: [String] = [], build: [String] = []) {
        self.major = major
        self.minor = minor
        self.patch = patch
        self.prerelease = prerelease
        self.build = build
    }

    public init(parsing text: String) throws(VersionError) {
        var core = Substring(text)
        var build: [String] = []
        var prerelease: [String] = []
        if let plus = core.firstIndex(of: "+") {
            build = core[core.index(after: plus)...].split(separator: ".", omittingEmptySubsequences: false).map(String.init)
            core = core[..<plus]
            guard build.allSatisfy({ !$0.isEmpty && $0.allSatisfy(SemanticVersion.isIdentifierCharacter) }) else {
                throw VersionError.invalidVersion(text, "build metadata must be dot-separated [0-9A-Za-z-] identifiers")
            }
        }
        if let dash = core.firstIndex(of: "-") {
            prerelease = core[core.index(after: dash)...].split(separator: ".", omittingEmptySubsequences: false).map(String.init)
            core = core[..<dash]
            for identifier in prerelease {
                guard !identifier.isEmpty, identifier.allSatisfy(SemanticVersion.isIdentifierCharacter) else {
                    throw VersionError.invalidVersion(text, "prerelease must be dot-separated [0-9A-Za-z-] identifiers")
                }
                if identifier.allSatisfy(\.isASCIIDigit) && identifier.count > 1 && identifier.first == "0" {
                    throw VersionError.invalidVersion(text, "numeric prerelease identifier '\(identifier)' has a leading zero")
                }
            }
        }
        let parts = core.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3 else { throw VersionError.invalidVersion(text, "expected MAJOR.MINOR.PATCH") }
        var numbers: [UInt64] = []
        for part in parts {
            guard let number = SemanticVersion.numericPart(part) else {
                throw VersionError.invalidVersion(text, "'\(part)' is not a number without leading zeros")
            }
            numbers.append(number)
        }
        self.init(numbers[0], numbers[1], numbers[2], prerelease: prerelease, build: build)
    }

    static func numericPart(_ part: Substring) -> UInt64? {
        guard !part.isEmpty, part.allSatisfy(\.isASCIIDigit), part == "0" || part.first != "0" else { return nil }
        return UInt64(part)
    }

    static func isIdentifierCharacter(_ character: Character) -> Bool {
        character.isASCII && (character.isLetter || character.isNumber || character == "-")
    }

    public var isPrerelease: Bool { !prerelease.isEmpty }

    public var description: String {
        var text = "\(major).\(minor).\(patch)"
        if !prerelease.isEmpty { text += "-" + prerelease.joined(separator: ".") }
        if !build.isEmpty { text += "+" + build.joined(separator: ".") }
        return text
    }

    public static func == (lhs: SemanticVersion, rhs: SemanticVersion) -> Bool {
        lhs.major == rhs.major && lhs.minor == rhs.minor && lhs.patch == rhs.patch && lhs.prerelease == rhs.prerelease
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(major)
        hasher.combine(minor)
        hasher.combine(patch)
        hasher.combine(prerelease)
    }

    public static func < (lhs: SemanticVersion, rhs: SemanticVersion) -> Bool {
        if lhs.major != rhs.major { return lhs.major < rhs.major }
        if lhs.minor != rhs.minor { return lhs.minor < rhs.minor }
        if lhs.patch != rhs.patch { return lhs.patch < rhs.patch }
        switch (lhs.prerelease.isEmpty, rhs.prerelease.isEmpty) {
        case (true, true), (true, false): return false
        case (false, true): return true
        case (false, false): break
        }
        for (left, right) in zip(lhs.prerelease, rhs.prerelease) where left != right {
            // Numeric identifiers are compared by value without converting them: semver puts no
            // bound on their size, and one past UInt64.max must still sort as a number.
            switch (SemanticVersion.isNumeric(left), SemanticVersion.isNumeric(right)) {
            case (true, true):
                if left.utf8.count != right.utf8.count { return left.utf8.count < right.utf8.count }
                return left.utf8.lexicographicallyPrecedes(right.utf8)
            case (true, false): return true
            case (false, true): return false
            case (false, false): return left.utf8.lexicographicallyPrecedes(right.utf8)
            }
        }
        return lhs.prerelease.count < rhs.prerelease.count
    }

    /// Parsed identifiers have no leading zeros, so among numeric ones the longer is the larger.
    private static func isNumeric(_ identifier: String) -> Bool {
        !identifier.isEmpty && identifier.utf8.allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        do {
            try self.init(parsing: text)
        } catch {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: error.description)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

public enum VersionError: Error, Equatable, Sendable, CustomStringConvertible {
    case invalidVersion(String, String)
    case invalidRange(String, String)

    public var description: String {
        switch self {
        case .invalidVersion(let text, let reason): return "'\(text)' is not a semantic version: \(reason)"
        case .invalidRange(let text, let reason): return "'\(text)' is not a version range: \(reason)"
        }
    }
}

extension Character {
    /// 0-9 only: `isNumber` alone also admits other scripts' digits and fractions such as "½".
    public var isASCIIDigit: Bool { isASCII && isNumber }
}

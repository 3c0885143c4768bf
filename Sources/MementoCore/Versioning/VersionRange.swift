import Foundation

/// A set of acceptable versions, in the npm/Cargo notation people already know:
///
/// - `1.2.3` or `=1.2.3`: exactly that version;
/// - `^1.2.3`, `^1.2`, `^1`: compatible updates (the left-most non-zero part is fixed);
/// - `~1.2.3`, `~1.2`: patch updates (`~1` allows minor updates);
/// - `>=1.0`, `>1.0`, `<2`, `<=2.1`: comparators on partial versions, read as npm and Cargo do:
///   `>=1.2` and `<1.2` mean 1.2.0, while `>1.2` means `>=1.3.0` and `<=1.2` means `<1.3.0-0`;
/// - several comparators separated by whitespace all must hold: `>=1.0 <2`;
/// - `*` or an empty string: any release.
///
/// A prerelease only matches when some comparator names a prerelease of the same
/// `MAJOR.MINOR.PATCH` (the npm rule), so `^1.0` never pulls in `2.0.0-beta`.
public struct VersionRange: Hashable, Sendable, CustomStringConvertible {
    public struct Comparator: Hashable, Sendable {
        public enum Operation: String, Sendable { case less = "<", lessOrEqual = "<=", greater = ">", greaterOrEqual = ">=", equal = "=" }
        public let operation: Operation
        public let version: SemanticVersion

        func admits(_ candidate: SemanticVersion) -> Bool {
            switch operation {
            case .less: return candidate < version
            case .lessOrEqual: return candidate <= version
            case .greater: return candidate > version
            case .greaterOrEqual: return candidate >= version
            case .equal: return candidate == version
            }
        }
    }

    public let comparators: [Comparator]
    public let text: String

    public var description: String { text.isEmpty ? "*" : text }

    public static let any = VersionRange(comparators: [], text: "*")

    init(comparators: [Comparator], text: String) {
        self.comparators = comparators
        self.text = text
    }

    public init(parsing text: String) throws(VersionError) {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        var comparators: [Comparator] = []
        for token in trimmed.split(whereSeparator: \.isWhitespace) {
            comparators += try VersionRange.expand(String(token), whole: text)
        }
        self.init(comparators: comparators, text: trimmed)
    }

    public func contains(_ version: SemanticVersion) -> Bool {
        guard comparators.allSatisfy({ $0.admits(version) }) else { return false }
        if version.isPrerelease {
            return comparators.contains { comparator in
                comparator.version.isPrerelease && comparator.version.major == version.major
                    && comparator.version.minor == version.minor && comparator.version.patch == version.patch
            }
        }
        return true
    }

    /// The highest version in `candidates` that this range admits.
    public func highest<S: Sequence>(in candidates: S) -> SemanticVersion? where S.Element == SemanticVersion {
        candidates.filter(contains).max()
    }

    /// A partial version: `1`, `1.2` or `1.2.3-beta`, with the number of parts given.
    private struct Partial {
        var parts: [UInt64]
        var prerelease: [String]
        var full: SemanticVersion {
            SemanticVersion(parts[0], parts.count > 1 ? parts[1] : 0, parts.count > 2 ? parts[2] : 0, prerelease: prerelease)
        }
        /// The first release past the block the partial names: `1` → `2.0.0`, `1.2` or `1.2.3` → `1.3.0`.
        /// Upper bounds pass `["0"]`, the lowest prerelease, so no prerelease of that tuple slips in below.
        func nextTuple(prerelease: [String] = []) -> SemanticVersion {
            parts.count == 1
                ? SemanticVersion(parts[0] + 1, 0, 0, prerelease: prerelease)
                : SemanticVersion(parts[0], parts[1] + 1, 0, prerelease: prerelease)
        }
    }

    private static func parsePartial(_ text: String, whole: String) throws(VersionError) -> Partial {
        var body = Substring(text)
        if body.hasPrefix("v") { body = body.dropFirst() }
        if let plus = body.firstIndex(of: "+") { body = body[..<plus] }
        var prerelease: [String] = []
        if let dash = body.firstIndex(of: "-") {
            let full = String(body)
            guard let version = try? SemanticVersion(parsing: full) else {
                throw VersionError.invalidRange(whole, "'\(text)' has a prerelease but is not a full MAJOR.MINOR.PATCH version")
            }
            prerelease = version.prerelease
            body = body[..<dash]
        }
        let pieces = body.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...3).contains(pieces.count) else { throw VersionError.invalidRange(whole, "'\(text)' has too many parts") }
        var parts: [UInt64] = []
        for (position, piece) in pieces.enumerated() {
            if piece == "*" || piece == "x" || piece == "X" {
                // A wildcard stands for every later part too: `1.x.x` is fine, `1.x.3` means nothing.
                guard pieces[position...].allSatisfy({ $0 == "*" || $0 == "x" || $0 == "X" }) else {
                    throw VersionError.invalidRange(whole, "'\(text)' has a number after a wildcard")
                }
                break
            }
            guard let number = SemanticVersion.numericPart(piece) else {
                throw VersionError.invalidRange(whole, "'\(piece)' in '\(text)' is not a number")
            }
            // Caret, tilde and partial bounds add one to a part; the largest value has no successor.
            guard number < UInt64.max else {
                throw VersionError.invalidRange(whole, "'\(piece)' in '\(text)' is too large")
            }
            parts.append(number)
        }
        return Partial(parts: parts, prerelease: prerelease)
    }

    private static func expand(_ token: String, whole: String) throws(VersionError) -> [Comparator] {
        if token == "*" || token == "x" { return [] }
        for (prefix, operation) in [(">=", Comparator.Operation.greaterOrEqual), ("<=", .lessOrEqual), (">", .greater), ("<", .less)] {
            guard token.hasPrefix(prefix) else { continue }
            let rest = String(token.dropFirst(prefix.count))
            guard !rest.isEmpty else { throw VersionError.invalidRange(whole, "'\(prefix)' needs a version after it") }
            let partial = try parsePartial(rest, whole: whole)
            guard !partial.parts.isEmpty else { return [] }
            // A partial version names a whole block of versions: `>1.2` is past all of 1.2.x and
            // `<=1.2` includes all of it, so both bound at the next tuple, not at 1.2.0.
            if partial.parts.count < 3 {
                switch operation {
                case .greater: return [Comparator(operation: .greaterOrEqual, version: partial.nextTuple())]
                case .lessOrEqual: return [Comparator(operation: .less, version: partial.nextTuple(prerelease: ["0"]))]
                default: break
                }
            }
            return [Comparator(operation: operation, version: partial.full)]
        }
        if token.hasPrefix("^") {
            let partial = try parsePartial(String(token.dropFirst()), whole: whole)
            return caretRange(partial, whole: whole)
        }
        if token.hasPrefix("~") {
            let partial = try parsePartial(String(token.dropFirst(token.hasPrefix("~>") ? 2 : 1)), whole: whole)
            return tildeRange(partial)
        }
        let exact = try parsePartial(token.hasPrefix("=") ? String(token.dropFirst()) : token, whole: whole)
        switch exact.parts.count {
        case 0: return []
        case 3: return [Comparator(operation: .equal, version: exact.full)]
        default: return tildeRange(exact)  // `1.2` means 1.2.x, as in npm
        }
    }

    private static func caretRange(_ partial: Partial, whole: String) -> [Comparator] {
        let lower = Comparator(operation: .greaterOrEqual, version: partial.full)
        let parts = partial.parts
        guard !parts.isEmpty else { return [] }
        let upper: SemanticVersion
        if parts[0] > 0 || parts.count == 1 {
            upper = SemanticVersion(parts[0] + 1, 0, 0, prerelease: ["0"])
        } else if parts.count == 2 || parts[1] > 0 {
            upper = SemanticVersion(0, parts[1] + 1, 0, prerelease: ["0"])
        } else {
            upper = SemanticVersion(0, 0, parts[2] + 1, prerelease: ["0"])
        }
        return [lower, Comparator(operation: .less, version: upper)]
    }

    private static func tildeRange(_ partial: Partial) -> [Comparator] {
        let parts = partial.parts
        guard !parts.isEmpty else { return [] }
        let lower = Comparator(operation: .greaterOrEqual, version: partial.full)
        return [lower, Comparator(operation: .less, version: partial.nextTuple(prerelease: ["0"]))]
    }
}

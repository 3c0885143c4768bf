import Foundation

/// A rule that a regular expression can decide on one file view.
struct PatternRule: Sendable {
    enum Scope: Sendable {
        /// Code only: program lines, config, Markdown shell blocks.
        case code
        /// Read text only: Markdown and plain text (the model reads all of it) and manifest descriptions.
        case prose
        /// Both; outside scripts the finding takes `severityOutsideCode`.
        case both
    }

    let rule: Rule
    let scope: Scope
    let pattern: Pattern
    /// Languages the pattern is meant for; nil for every text file.
    let languages: Set<Language>?
    /// Lower-case literals of which at least one must occur for the pattern to be worth running.
    let anyOf: [String]
    /// Severity in prose and Markdown code blocks, where a command is documented rather than run.
    let severityOutsideCode: Severity?

    init(_ rule: Rule, _ scope: Scope, _ source: String, languages: Set<Language>? = nil, anyOf: [String],
         caseSensitive: Bool = false, severityOutsideCode: Severity? = nil)
    {
        self.rule = rule
        self.scope = scope
        self.pattern = Pattern(source, caseSensitive: caseSensitive)
        self.languages = languages
        self.anyOf = anyOf
        self.severityOutsideCode = severityOutsideCode
    }

    func applies(to language: Language) -> Bool { languages?.contains(language) ?? true }

    func worthRunning(on text: Haystack) -> Bool {
        anyOf.isEmpty || anyOf.contains { text.contains($0) }
    }
}

/// A text lower-cased once, for the literal pre-checks that decide which patterns run. The search
/// is libc's `strstr` on a NUL-terminated copy (NULs inside the text become spaces, so a stray NUL
/// cannot hide what follows it), with answers cached because rules share literals.
final class Haystack {
    private let bytes: [CChar]
    private var cache: [String: Bool] = [:]

    init(_ text: String) {
        // Folded as the case-insensitive regex folds (see `Pattern.containsAnyASCIIWord`).
        var bytes = Pattern.caseFolded(text).lowercased().utf8.map { $0 == 0 ? CChar(32) : CChar(bitPattern: $0) }
        bytes.append(0)
        self.bytes = bytes
    }

    func contains(_ needle: String) -> Bool {
        if let known = cache[needle] { return known }
        let found = bytes.withUnsafeBufferPointer { haystack in
            guard let base = haystack.baseAddress else { return false }
            return needle.withCString { strstr(base, $0) != nil }
        }
        cache[needle] = found
        return found
    }
}

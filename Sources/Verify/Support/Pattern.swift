import Foundation

/// A compiled regular expression. NSRegularExpression is immutable after creation and documented
/// as safe to share between threads, which is what `@unchecked Sendable` asserts here.
struct Pattern: @unchecked Sendable {
    let source: String
    private let regex: NSRegularExpression?
    /// Words one of which every match contains: when the text has none, the regex is not run.
    /// Patterns that begin with alternations of word boundaries make ICU try every position, so
    /// this cheap substring test saves most of an audit's time on ordinary prose.
    private let keywords: [String]

    /// Patterns are written in this module, so a syntax error is a programming error caught by the
    /// catalogue test (`isValid`); at run time a broken pattern matches nothing rather than crashing an audit.
    init(_ source: String, caseSensitive: Bool = false, anyOf keywords: [String] = []) {
        var options: NSRegularExpression.Options = [.anchorsMatchLines]
        if !caseSensitive { options.insert(.caseInsensitive) }
        self.source = source
        self.keywords = keywords
        regex = try? NSRegularExpression(pattern: source, options: options)
    }

    var isValid: Bool { regex != nil }

    /// UTF-16 ranges of every match in `text`.
    func matches(in text: NSString) -> [NSRange] { results(in: text).map(\.range) }

    func firstMatch(in text: String) -> NSRange? { results(in: text as NSString, limit: 1).first?.range }

    /// Every match, within the scan budget: hostile input (megabyte lines full of near-matches) can
    /// make backtracking slow, so a pattern that runs out of time stops and the budget records it.
    private func results(in text: NSString, limit: Int = .max) -> [NSTextCheckingResult] {
        guard let regex, !(ScanBudget.current?.isExhausted ?? false) else { return [] }
        if !keywords.isEmpty, !Pattern.containsAnyASCIIWord(keywords, in: text as String) { return [] }
        // Backtracking can only run away on long lines; text made of short lines is matched
        // without progress callbacks, which cost more than the matching itself.
        if Pattern.longestLine(in: text as String) <= Pattern.boundedLineLength {
            var found: [NSTextCheckingResult] = []
            regex.enumerateMatches(in: text as String, options: [], range: NSRange(location: 0, length: text.length)) { result, _, stop in
                if let result { found.append(result) }
                if found.count >= limit { stop.pointee = true }
            }
            return found
        }
        let deadline = DispatchTime.now().uptimeNanoseconds + ScanBudget.perPatternNanoseconds
        var found: [NSTextCheckingResult] = []
        var callbacks: UInt = 0
        regex.enumerateMatches(in: text as String, options: .reportProgress, range: NSRange(location: 0, length: text.length)) { result, _, stop in
            if let result { found.append(result) }
            callbacks &+= 1
            if found.count >= limit {
                stop.pointee = true
            } else if callbacks & 255 == 0, DispatchTime.now().uptimeNanoseconds > deadline {
                // Reading the clock on every progress callback cost a quarter of an audit; every
                // 256th keeps the limit within a few milliseconds.
                ScanBudget.current?.recordOverrun()
                stop.pointee = true
            }
        }
        return found
    }

    func matches(_ text: String) -> Bool { firstMatch(in: text) != nil }

    /// `text` with full Unicode case folding when it has any non-ASCII byte, else unchanged.
    static func caseFolded(_ text: String) -> String {
        text.utf8.contains { $0 >= 0x80 } ? text.folding(options: .caseInsensitive, locale: nil) : text
    }

    /// Lines up to this many bytes cannot make a pattern backtrack for long.
    static let boundedLineLength = 4096

    static func longestLine(in text: String) -> Int {
        var text = text
        return text.withUTF8 { bytes in
            guard let base = bytes.baseAddress else { return 0 }
            var longest = 0, start = 0
            while start < bytes.count {
                let rest = bytes.count - start
                let end = memchr(base + start, 0x0A, rest).map { base.distance(to: $0.assumingMemoryBound(to: UInt8.self)) } ?? bytes.count
                longest = max(longest, end - start)
                start = end + 1
            }
            return longest
        }
    }

    /// Byte search with ASCII case folding; Foundation's case-insensitive `range(of:)` costs more
    /// than the regex it would save. Keywords are lowercase ASCII. Non-ASCII text is case-folded
    /// first, because the regex (ICU, case-insensitive) also matches `ſ` as s and `K` (Kelvin) as
    /// k: a pre-filter blind to those would let them hide a payload.
    static func containsAnyASCIIWord(_ keywords: [String], in text: String) -> Bool {
        var text = Pattern.caseFolded(text)
        return text.withUTF8 { bytes in
            keywords.contains { keyword in
                let needle = Array(keyword.utf8)
                guard let first = needle.first, bytes.count >= needle.count else { return false }
                var index = 0
                let last = bytes.count - needle.count
                while index <= last {
                    if bytes[index] | 0x20 == first || bytes[index] == first {
                        var offset = 1
                        while offset < needle.count, bytes[index + offset] | (needle[offset] >= 0x61 && needle[offset] <= 0x7A ? 0x20 : 0) == needle[offset] {
                            offset += 1
                        }
                        if offset == needle.count { return true }
                    }
                    index += 1
                }
                return false
            }
        }
    }

    /// Capture groups of every match, as strings (nil for a group that did not take part).
    func captures(in text: String) -> [[String?]] {
        let ns = text as NSString
        return results(in: ns).map { match in
            (0..<match.numberOfRanges).map { index in
                let range = match.range(at: index)
                return range.location == NSNotFound ? nil : ns.substring(with: range)
            }
        }
    }
}

extension Pattern {
    /// One match, placed on its 1-based line, with its capture groups.
    struct LineMatch {
        let line: Int
        let groups: [String?]
        /// The first capture group that took part, or the whole match.
        var value: String { groups.dropFirst().compactMap { $0 }.first ?? groups.first.flatMap { $0 } ?? "" }
    }

    /// Every match in `text`, in order, with lines: one regex pass instead of one per line.
    func lineMatches(in text: String) -> [LineMatch] {
        guard !text.isEmpty else { return [] }
        let ns = text as NSString
        let found = results(in: ns)
        guard !found.isEmpty else { return [] }
        let index = LineIndex(ns)
        return found.map { match in
            LineMatch(line: index.line(at: match.range.location), groups: (0..<match.numberOfRanges).map { group in
                let range = match.range(at: group)
                return range.location == NSNotFound ? nil : ns.substring(with: range)
            })
        }
    }
}

/// Maps UTF-16 offsets of an NSString to 1-based lines, so one regex pass over a whole file can
/// still report file:line.
struct LineIndex {
    let text: NSString
    private let starts: [Int]

    init(_ text: NSString) {
        self.text = text
        var starts = [0]
        var offset = 0
        // Offsets are UTF-16 code units, as NSRegularExpression reports them.
        for unit in (text as String).utf16 {
            offset += 1
            if unit == 0x0A { starts.append(offset) }
        }
        self.starts = starts
    }

    func line(at offset: Int) -> Int {
        var low = 0, high = starts.count - 1
        while low < high {
            let mid = (low + high + 1) / 2
            if starts[mid] <= offset { low = mid } else { high = mid - 1 }
        }
        return low + 1
    }

    func lineText(_ line: Int) -> String {
        guard line >= 1, line <= starts.count else { return "" }
        let start = starts[line - 1]
        let end = line < starts.count ? starts[line] - 1 : text.length
        return text.substring(with: NSRange(location: start, length: max(0, end - start)))
    }
}

/// Tracks patterns that hit their time limit during one audit, so the report can say the scan was
/// cut short instead of passing a skill whose text was never fully examined.
/// `@unchecked Sendable`: the only state is guarded by the lock (Mutex needs macOS 15).
final class ScanBudget: @unchecked Sendable {
    static let perPatternNanoseconds: UInt64 = 250_000_000
    /// After this many overruns the input is adversarial; stop paying for it, the report already warns.
    static let maxOverruns = 8

    @TaskLocal static var current: ScanBudget?

    private let lock = NSLock()
    private var overruns = 0

    func recordOverrun() {
        lock.withLock { overruns += 1 }
    }

    var overrunCount: Int { lock.withLock { overruns } }
    var isExhausted: Bool { overrunCount >= ScanBudget.maxOverruns }
}

/// Finds characters that change what a reader sees or what a model reads without showing up.
enum UnicodeScan {
    static func isTag(_ scalar: Unicode.Scalar) -> Bool { (0xE0000...0xE007F).contains(scalar.value) }

    static func isBidi(_ scalar: Unicode.Scalar) -> Bool {
        (0x202A...0x202E).contains(scalar.value) || (0x2066...0x2069).contains(scalar.value)
    }

    static func isZeroWidth(_ scalar: Unicode.Scalar) -> Bool {
        [0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF].contains(scalar.value)
    }

    static func isInvisible(_ scalar: Unicode.Scalar) -> Bool { isTag(scalar) || isBidi(scalar) || isZeroWidth(scalar) }

    /// Cyrillic and Greek letters that render like Latin ones. Other Greek letters (μ in µs, Δ, π)
    /// are routine in technical text and are not spoofs.
    static let lookAlikes: Set<Unicode.Scalar> = Set(
        "аеорсухіјѕԁԛԝһӏАВЕКМНОРСТХІЈЅοαειкκνρτυχΑΒΕΖΗΙΚΜΝΟΡΤΥΧ".unicodeScalars)

    /// Words that mix Latin letters with look-alikes from another script (`pаypal` with a Cyrillic а).
    static func mixedScriptWords(in line: Substring) -> [String] {
        var found: [String] = []
        for word in line.split(whereSeparator: { !($0.isLetter || $0.isNumber) }) {
            let scalars = word.unicodeScalars
            let latin = scalars.filter { ("a"..."z").contains($0) || ("A"..."Z").contains($0) }.count
            if latin >= 2 && scalars.contains(where: lookAlikes.contains) { found.append(String(word)) }
        }
        return found
    }

    /// Scans one file; `origin` decides whether the hidden-text rules may block.
    static func scan(_ source: SourceText, origin: (Int) -> Origin) -> [Finding] {
        var findings: [Finding] = []
        var lineNumber = 0
        for line in source.full.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNumber += 1
            guard line.utf8.contains(where: { $0 >= 0x80 }) else { continue }
            let scalars = Array(line.unicodeScalars)
            let place = origin(lineNumber)
            let tags = scalars.filter(isTag)
            if !tags.isEmpty {
                // Tag characters mirror ASCII at U+E0000; decoding them shows the hidden message.
                let hidden = String(String.UnicodeScalarView(tags.compactMap { Unicode.Scalar($0.value - 0xE0000) }))
                findings.append(Finding(rule: RuleCatalogue.unicodeTag, origin: place, file: source.path,
                                        line: lineNumber, evidence: String(line), detail: "hidden text: \(Finding.excerpt(hidden, limit: 80))"))
            }
            if scalars.contains(where: isBidi) {
                findings.append(Finding(rule: RuleCatalogue.unicodeBidi, origin: place, file: source.path, line: lineNumber, evidence: String(line)))
            }
            if hasSuspiciousZeroWidth(scalars, atFileStart: lineNumber == 1) {
                findings.append(Finding(rule: RuleCatalogue.unicodeZeroWidth, origin: place, file: source.path, line: lineNumber, evidence: String(line)))
            }
            let mixed = mixedScriptWords(in: line)
            if !mixed.isEmpty {
                findings.append(Finding(rule: RuleCatalogue.unicodeMixedScript, origin: place, file: source.path, line: lineNumber,
                                        evidence: String(line), detail: "words: \(mixed.prefix(3).joined(separator: ", "))"))
            }
        }
        return findings
    }

    /// Zero-width joiners are legitimate inside emoji sequences and some scripts; between ASCII
    /// characters, or in runs, they only serve to hide or smuggle text.
    static func hasSuspiciousZeroWidth(_ scalars: [Unicode.Scalar], atFileStart: Bool) -> Bool {
        for (index, scalar) in scalars.enumerated() where isZeroWidth(scalar) {
            if scalar.value == 0xFEFF && index == 0 && atFileStart { continue }
            let before = index > 0 ? scalars[index - 1] : nil
            let after = index + 1 < scalars.count ? scalars[index + 1] : nil
            if let after, isZeroWidth(after) { return true }
            if scalar.value == 0x200C || scalar.value == 0x200D {
                if let before, let after, before.isASCII, after.isASCII, before.properties.isAlphabetic || after.properties.isAlphabetic { return true }
                continue
            }
            return true
        }
        return false
    }
}

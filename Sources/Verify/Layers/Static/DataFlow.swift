/// A small, line-ordered taint analysis: names assigned from network reads or decoders, followed
/// through plain assignments, and reported when they reach an interpreter. It catches the split
/// form of download-and-run (`p = fetch(...)` … `exec(decode(p))`) that one-line patterns miss.
enum DataFlow {
    private struct Taint: OptionSet {
        let rawValue: Int
        static let fetched = Taint(rawValue: 1)
        static let decoded = Taint(rawValue: 2)
    }

    static let assignment = Pattern(#"^[ \t]*(?:(?:const|let|var|my|local|export)[ \t]+)?\$?([A-Za-z_]\w*)(?:[ \t]*,[ \t]*[A-Za-z_]\w*)*[ \t]*(?::[ \t]*[\w\[\], .|]+)?:?=(?!=)[ \t]*(.+)$"#)
    static let fetchSource = Pattern(
        #"\b(?:requests|httpx|session|client)\.(?:get|post|request)\s*\(|\burlopen\s*\(|\burllib2?\.|\bfetch\s*\(|\baxios\.get\s*\(|\bhttps?\.get\s*\(|Net::HTTP\.get|\bURI\.open\b|Invoke-(?:WebRequest|RestMethod)|\.Download(?:String|Data)\s*\(|\$\(\s*(?:curl|wget)\b|`\s*(?:curl|wget)\b"#,
        anyOf: ["requests", "session", "client", "urlopen", "urllib", "fetch", "axios", "http", "uri.open", "invoke-", "download", "curl", "wget"])
    static let decodeSource = Pattern(
        #"\b(?:b64decode|b32decode|b16decode|a85decode|decodebytes|fromhex|unhexlify|decompress|marshal\.loads|codecs\.decode)\s*\(|\batob\s*\(|Buffer\.from\s*\([^)]*['"](?:base64|hex)['"]|FromBase64String|\bbase64\s+(?:-d|--decode|-D)\b|\bxxd\s+-r\b"#,
        anyOf: ["decode", "fromhex", "unhexlify", "decompress", "marshal.loads", "atob", "buffer.from", "base64", "xxd"])
    static let sink = Pattern(
        #"(?<![\w.])(?:exec|eval|execfile|compile)\s*\(|\bnew\s+Function\s*\(|\bos\.(?:system|popen)\s*\(|\bsubprocess\.\w+\([^\n]*shell\s*=\s*True|\b(?:execSync|child_process\.exec)\s*\(|^[ \t]*eval\s|\b(?:ba|z)?sh\s+-c\s|\b(?:iex|Invoke-Expression)\b|\b(?:pickle|marshal)\.loads?\s*\(|\|\s*(?:ba|z)?sh\b|['"](?:/bin/)?(?:ba|z)?sh['"]\s*,\s*['"]-c['"]"#)

    static func scan(_ source: SourceText) -> [Finding] {
        guard source.language.isProgram else { return [] }
        // Every finding starts from a fetch or a decode: a file with neither anywhere has none,
        // and the sink and assignment scans, the costliest of an audit, are skipped.
        guard fetchSource.matches(source.code) || decodeSource.matches(source.code) else { return [] }
        let sinkLines = Set(sink.lineMatches(in: source.code).map(\.line))
        guard !sinkLines.isEmpty else { return [] }
        let assignments = assignment.lineMatches(in: source.code)
        let lines = source.code.split(separator: "\n", omittingEmptySubsequences: false)
        let assignedAt = Dictionary(assignments.map { ($0.line, $0) }, uniquingKeysWith: { first, _ in first })
        var taints: [String: Taint] = [:]
        var findings: [Finding] = []
        for lineNumber in Set(sinkLines).union(assignedAt.keys).sorted() {
            let text = String(lines[lineNumber - 1])
            if sinkLines.contains(lineNumber) {
                let reached = taints.filter { mentions(text, $0.key) }
                var combined = reached.values.reduce(Taint()) { $0.union($1) }
                // The source can sit inside the sink's own arguments: exec(urlopen(u).read()).
                if fetchSource.matches(text) { combined.insert(.fetched) }
                if decodeSource.matches(text) { combined.insert(.decoded) }
                if !combined.isEmpty {
                    let rule = combined.contains(.fetched) ? RuleCatalogue.execFetchedCode : RuleCatalogue.obfuscDecodeExec
                    let carrier = reached.keys.sorted().first.map { "'\($0)' holds" } ?? "the call runs"
                    findings.append(Finding(rule: rule, origin: .code, file: source.path, line: lineNumber, evidence: text,
                                            detail: "\(carrier) \(combined.contains(.fetched) ? "downloaded" : "decoded") data"))
                }
            }
            if let match = assignedAt[lineNumber], match.groups.count > 2, let name = match.groups[1], let value = match.groups[2] {
                var taint = Taint()
                if fetchSource.matches(value) { taint.insert(.fetched) }
                if decodeSource.matches(value) { taint.insert(.decoded) }
                for (other, carried) in taints where other != name && mentions(value, other) { taint.formUnion(carried) }
                taints[name] = taint.isEmpty ? nil : taint
            }
        }
        return findings
    }

    /// Whether `text` uses `name` as a whole identifier (also as `$name` or `${name}` in shell).
    private static func mentions(_ text: String, _ name: String) -> Bool {
        var searchStart = text.startIndex
        while let range = text.range(of: name, range: searchStart..<text.endIndex) {
            let before = range.lowerBound > text.startIndex ? text[text.index(before: range.lowerBound)] : " "
            let after = range.upperBound < text.endIndex ? text[range.upperBound] : " "
            if !(before.isLetter || before.isNumber || before == "_" || before == ".") && !(after.isLetter || after.isNumber || after == "_") {
                return true
            }
            searchStart = range.upperBound
        }
        return false
    }
}

import Foundation

/// Rules that need more than one line of context: loop bodies, function parameters, sections.
enum CodeHeuristics {
    private static func indentation(_ line: Substring) -> Int { line.prefix(while: { $0 == " " || $0 == "\t" }).count }

    private static func lines(_ text: String) -> [Substring] { text.split(separator: "\n", omittingEmptySubsequences: false) }

    /// The indented block under line `index` (Python), as (line number, text) pairs.
    private static func block(after index: Int, in lines: [Substring]) -> [(Int, Substring)] {
        let base = indentation(lines[index])
        var body: [(Int, Substring)] = []
        var next = index + 1
        while next < lines.count {
            let line = lines[next]
            if line.trimmingCharacters(in: .whitespaces).isEmpty { next += 1; continue }
            if indentation(line) <= base { break }
            body.append((next + 1, line))
            next += 1
        }
        return body
    }

    // MARK: Unbounded loops

    static let pythonForever = Pattern(#"^[ \t]*while\s+(?:True|1|not\s+False)\s*:"#, caseSensitive: true)
    static let shellForever = Pattern(#"^[ \t]*while\s+(?:true|:|\[\s*1\s*\])\s*(?:;|$)"#, caseSensitive: true)
    static let loopExit = Pattern(
        #"\b(?:break|return|raise|exit|_exit|yield|await|sleep|wait|accept|recv|read|readline|input|select|poll|get|join|signal)\b"#)

    static func unboundedLoops(_ source: SourceText) -> [Finding] {
        let header: Pattern
        switch source.language {
        case .python: header = pythonForever
        case .shell: header = shellForever
        default: return []
        }
        let loops = header.lineMatches(in: source.code)
        guard !loops.isEmpty else { return [] }
        let all = lines(source.code)
        var findings: [Finding] = []
        for loop in loops {
            let index = loop.line - 1
            let body: [(Int, Substring)]
            if source.language == .python {
                body = block(after: index, in: all)
            } else {
                let end = all[(index + 1)...].firstIndex { $0.trimmingCharacters(in: .whitespaces).hasPrefix("done") } ?? all.count
                body = (index + 1..<end).map { ($0 + 1, all[$0]) }
            }
            if !body.contains(where: { loopExit.matches(String($0.1)) }) {
                findings.append(Finding(rule: RuleCatalogue.resourceUnboundedLoop, origin: .code, file: source.path, line: loop.line,
                                        evidence: String(all[index])))
            }
        }
        return findings
    }

    // MARK: Path traversal

    static let pythonDef = Pattern(#"^[ \t]*(?:async\s+)?def\s+\w+\s*\(([^)]*)\)"#)
    static let fileOpen = Pattern(#"\bopen\s*\(|\.read_(?:text|bytes)\s*\(|\bsend_file\s*\(|\bsend_from_directory\s*\(|\bshutil\.copy"#)
    static let containment = Pattern(
        #"\b(?:basename|realpath|abspath|resolve|commonpath|commonprefix|is_relative_to|relative_to|normpath|secure_filename|startswith)\b|['"]\.\.['"]"#)

    /// A function that joins a parameter onto a directory and opens the result without checking
    /// that it stays inside: `../` in the parameter walks out of the directory.
    static func pathTraversal(_ source: SourceText) -> [Finding] {
        guard source.language == .python else { return [] }
        let definitions = pythonDef.lineMatches(in: source.code)
        guard !definitions.isEmpty, fileOpen.matches(source.code) else { return [] }
        let all = lines(source.code)
        var findings: [Finding] = []
        for definition in definitions {
            let index = definition.line - 1
            guard definition.groups.count > 1, let list = definition.groups[1] else { continue }
            let parameters = list.split(separator: ",").compactMap { raw -> String? in
                let name = raw.split(separator: ":").first?.split(separator: "=").first?
                    .trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: "*")) ?? ""
                return name.isEmpty || name == "self" || name == "cls" ? nil : name
            }
            guard !parameters.isEmpty else { continue }
            let body = block(after: index, in: all)
            let bodyText = body.map { String($0.1) }.joined(separator: "\n")
            guard fileOpen.matches(bodyText), !containment.matches(bodyText) else { continue }
            let joins = parameters.map { name -> Pattern in
                let word = NSRegularExpression.escapedPattern(for: name)
                return Pattern(#"os\.path\.join\([^)\n]*\b"# + word + #"\b|[fF]['"][^'"\n]*/[^'"\n]*\{"# + word + #"\}|['"][^'"\n]*/['"]\s*\+\s*"# + word + #"\b|\)\s*/\s*"# + word + #"\b"#)
            }
            if let hit = body.first(where: { entry in joins.contains { $0.matches(String(entry.1)) } }) {
                findings.append(Finding(rule: RuleCatalogue.pathTraversal, origin: .code, file: source.path, line: hit.0, evidence: String(hit.1)))
            }
        }
        return findings
    }

    // MARK: Environment harvesting

    static let environmentWalk = Pattern(
        #"\bos\.environ\.(?:items|keys|values)\s*\(\s*\)|\bfor\s+\w+(?:\s*,\s*\w+)?\s+in\s+os\.environ\b|\bObject\.(?:entries|keys|values)\(\s*process\.env\s*\)|\bENV\.(?:each|to_h|keys|select|filter)\b|\bos\.Environ\(\)|\bGet-ChildItem\s+env:|\bprintenv\b|\benv\s*\|"#)
    static let secretWord = Pattern(
        #"['"|(/]\s*(KEY|SECRET|TOKEN|PASSWORD|PASSWD|CREDENTIALS?|AUTH|PRIVATE|API_?KEY)\s*['"|)/]"#, caseSensitive: true)

    static let redaction = Pattern(#"\b(?:redact\w*|mask\w*|saniti[sz]\w*|scrub\w*)\b|\bnot\s+in\b|\bnot\s+any\s*\(|\bgrep\s+-[a-zA-Z]*v"#)

    /// Walking the environment is normal when copying it for a child process; walking it while
    /// filtering for secret-looking names is harvesting, unless the filter removes them (redaction).
    static func environmentHarvest(_ source: SourceText) -> [Finding] {
        guard source.language.isProgram, !redaction.matches(source.code) else { return [] }
        let words = Set(secretWord.captures(in: source.code).compactMap { $0.count > 1 ? $0[1] : nil })
        guard words.count >= 2 else { return [] }
        let all = lines(source.code)
        return environmentWalk.lineMatches(in: source.code).map { match in
            Finding(rule: RuleCatalogue.credEnvDump, origin: .code, file: source.path, line: match.line, evidence: String(all[match.line - 1]),
                    detail: "filters the environment for names like \(words.sorted().prefix(3).joined(separator: ", "))")
        }
    }

    // MARK: Ransomware

    static let fileWalk = Pattern(
        #"\bos\.walk\s*\(|\bglob\.i?glob\s*\(|\.rglob\s*\(|\breaddirSync\s*\(|\bfs\.readdir\b|\bfind\s+\S+\s+-type\s+f\b|\bGet-ChildItem\b[^\n]*-Recurse|\bfilepath\.Walk"#)
    static let bulkEncrypt = Pattern(
        #"\bFernet\b|\bAES\.new\s*\(|\bCipher\s*\(|\.encrypt\s*\(|\bcreateCipheriv\s*\(|\bopenssl\s+enc\b|\bgpg\s+(?:-c|--symmetric)\b|\bChaCha20"#)
    static let destroyOriginal = Pattern(
        #"\bos\.(?:remove|unlink|rename)\s*\(|\.unlink\s*\(|\bshutil\.move\s*\(|\.rename\s*\(|\bunlinkSync\s*\(|\brm\s+-f\b|\bRemove-Item\b|\bshred\b|['"]\.(?:locked|encrypted|enc|crypt|crypted)['"]|\bransom\b|your\s+files\s+(?:have\s+been|are)\s+encrypted"#)

    /// Walking the disk, encrypting what is found and destroying the originals is ransomware's
    /// shape; encrypting a file the user names, or writing encrypted copies, is not.
    static func ransomware(_ source: SourceText) -> [Finding] {
        guard source.language.isProgram, fileWalk.matches(source.code), destroyOriginal.matches(source.code),
              let encrypt = bulkEncrypt.lineMatches(in: source.code).first else { return [] }
        let all = lines(source.code)
        return [Finding(rule: RuleCatalogue.destructiveRansomware, origin: .code, file: source.path, line: encrypt.line,
                        evidence: String(all[encrypt.line - 1]))]
    }

    // MARK: Encoded payloads

    static let base64Literal = Pattern(#"(?:['"`]|\becho\s+)([A-Za-z0-9+/]{40,}={0,2})(?:['"`]|\s|$)"#, caseSensitive: true)
    static let hexLiteral = Pattern(#"['"]((?:[0-9a-fA-F]{2}){24,})['"]"#, caseSensitive: true)

    /// Decodes long base64 and hex literals and runs the blocking code rules on what comes out.
    static func encodedPayloads(_ source: SourceText, origin: (Int) -> Origin) -> [Finding] {
        let index = LineIndex(source.full as NSString)
        var findings: [Finding] = []
        for (pattern, decode) in [(base64Literal, decodeBase64), (hexLiteral, decodeHex)] as [(Pattern, (String) -> String?)] {
            for match in pattern.matches(in: source.full as NSString) {
                let literal = (source.full as NSString).substring(with: match)
                guard let decoded = decode(literal.trimmingCharacters(in: CharacterSet(charactersIn: "'\"` ").union(.whitespaces))
                    .replacingOccurrences(of: "echo", with: "").trimmingCharacters(in: .whitespaces)) else { continue }
                let haystack = Haystack(decoded)
                let ns = decoded as NSString
                guard let inner = PatternCatalogue.all.first(where: {
                    $0.rule.blocks != .never && $0.scope != .prose && $0.worthRunning(on: haystack) && !$0.pattern.matches(in: ns).isEmpty
                }) else { continue }
                let line = index.line(at: match.location)
                findings.append(Finding(rule: RuleCatalogue.obfuscEncodedPayload, origin: origin(line),
                                        file: source.path, line: line, evidence: decoded,
                                        detail: "the decoded text matches \(inner.rule.id)"))
            }
        }
        return findings
    }

    private static func decodeBase64(_ literal: String) -> String? {
        let padded = literal + String(repeating: "=", count: (4 - literal.count % 4) % 4)
        guard let data = Data(base64Encoded: padded) else { return nil }
        return printable(Array(data))
    }

    private static func decodeHex(_ literal: String) -> String? {
        var bytes: [UInt8] = []
        var index = literal.startIndex
        while index < literal.endIndex, let next = literal.index(index, offsetBy: 2, limitedBy: literal.endIndex) {
            guard let byte = UInt8(literal[index..<next], radix: 16) else { return nil }
            bytes.append(byte)
            index = next
        }
        return printable(bytes)
    }

    /// Decoded bytes are only worth scanning when they are text.
    private static func printable(_ bytes: [UInt8]) -> String? {
        guard !bytes.isEmpty else { return nil }
        let text = bytes.filter { $0 >= 0x20 && $0 < 0x7F || $0 == 0x0A || $0 == 0x09 }
        return text.count * 10 >= bytes.count * 9 ? String(decoding: bytes, as: UTF8.self) : nil
    }

    // MARK: Unpinned installs

    static let install = Pattern(#"\b(pip3?|uv\s+pip|pipx|npm|pnpm|yarn|gem)\s+(?:install|i|add)\b([^\n;&|#>]*)"#)
    /// Flags whose next word is a value, not a package.
    private static let flagsWithValue: Set<String> = ["-r", "--requirement", "-c", "--constraint", "-i", "--index-url", "--extra-index-url",
                                                      "-e", "--editable", "-t", "--target", "--prefix", "--root", "-f", "--find-links",
                                                      "--registry", "--python", "-p"]

    static func unpinnedInstalls(_ source: SourceText, origin: (Int) -> Origin) -> [Finding] {
        let index = LineIndex(source.full as NSString)
        var findings: [Finding] = []
        for match in install.matches(in: source.full as NSString) {
            let text = (source.full as NSString).substring(with: match)
            guard let groups = install.captures(in: text).first, groups.count > 2, let tool = groups[1], let rest = groups[2] else { continue }
            let isPython = tool.hasPrefix("pip") || tool.hasPrefix("uv")
            var skipNext = false
            var unpinned: [String] = []
            for raw in rest.split(whereSeparator: { $0 == " " || $0 == "\t" }) {
                let word = raw.trimmingCharacters(in: CharacterSet(charactersIn: "`'\"()"))
                if skipNext { skipNext = false; continue }
                if word.hasPrefix("-") { skipNext = flagsWithValue.contains(word); continue }
                guard let first = word.first, first.isLetter || first == "@" else { continue }
                if word.contains("/") && !word.hasPrefix("@") { continue }
                let pinned = isPython
                    ? word.contains("==") || word.contains("@") || word.hasSuffix(".whl")
                    : word.dropFirst().contains("@")
                if !pinned { unpinned.append(word) }
            }
            guard !unpinned.isEmpty, !(tool == "gem" && rest.contains("-v")) else { continue }
            let line = index.line(at: match.location)
            findings.append(Finding(rule: RuleCatalogue.supplyUnpinned, origin: origin(line), file: source.path, line: line,
                                    evidence: index.lineText(line), detail: "unpinned: \(unpinned.prefix(3).joined(separator: ", "))"))
        }
        return findings
    }

    static let requirementLine = Pattern(#"^[ \t]*([A-Za-z0-9][A-Za-z0-9._\[\],-]*)[ \t]*(?:(==|===|@|~=|>=|<=|>|<|!=)[^\n]*)?$"#)

    /// `requirements*.txt`: each line is an install, pinned only with `==`, `===` or a direct `@` reference.
    static func unpinnedRequirements(_ source: SourceText) -> [Finding] {
        let name = source.path.split(separator: "/").last.map(String.init) ?? source.path
        guard name.hasPrefix("requirements"), name.hasSuffix(".txt") else { return [] }
        let unpinned = requirementLine.lineMatches(in: source.full).filter { match in
            guard match.groups.count > 2 else { return false }
            return !["==", "===", "@"].contains(match.groups[2] ?? "")
        }
        guard let first = unpinned.first else { return [] }
        let names = unpinned.compactMap { $0.groups.count > 1 ? $0.groups[1] : nil }
        return [Finding(rule: RuleCatalogue.supplyUnpinned, origin: .code, file: source.path, line: first.line,
                        evidence: names.prefix(5).joined(separator: ", "), detail: "\(unpinned.count) unpinned requirement(s)")]
    }

    // MARK: Fake prerequisites

    static let heading = Pattern(#"^[ \t]*(?:#{1,6}\s+(.+)|\*\*([^*]+)\*\*:?\s*)$"#)
    static let setupHeading = Pattern(#"\b(?:prerequisites?|requirements?|set\s*up|setup|install(?:ation|ing)?|before\s+(?:you|using|use)|getting\s+started|dependencies|required)\b"#)
    static let setupPayload = Pattern(
        #"https?://\S+\.(?:zip|7z|rar|dmg|pkg|exe|msi|sh|ps1|bat|apk|appimage|deb|rpm|jar|bin|command)\b|\b(?:curl|wget|iwr|Invoke-WebRequest)\b[^\n]*https?://[^\n]*(?:chmod\s+\+x|&&\s*\./|-o\s+\S+\s*&&)|\bchmod\s+\+x\b[^\n]*&&\s*\./|\bpassword\b[^\n]*\b(?:zip|archive|extract|unzip|rar|7z)\b|\b(?:zip|archive|rar|7z)\b[^\n]*\bpassword\b"#,
        anyOf: ["://", "chmod", "password"])
    static let anywherePayload = Pattern(
        #"\bpassword[- ]protected\s+(?:zip|archive|file|download)|\b(?:zip|archive|file)\s+password\s*(?:is|:)|\b(?:unzip|7z\s+x|extract)\b[^\n]*(?:\s-p\S+|\bpassword\b)|\bxattr\s+-[a-z]*d\s+com\.apple\.quarantine|\bspctl\s+--master-disable|\b(?:disable|turn\s+off)\s+(?:your\s+)?(?:gatekeeper|antivirus|windows\s+defender|smartscreen|real-time\s+protection)"#,
        anyOf: ["password", "unzip", "7z", "extract", "xattr", "spctl", "disable", "turn"])

    /// The ClawHavoc pattern: a "Prerequisites" section that has the reader fetch and run software.
    static func fakePrerequisites(_ source: SourceText) -> [Finding] {
        guard source.language == .markdown || source.language == .plainText else { return [] }
        let candidates = Set((setupPayload.lineMatches(in: source.full) + anywherePayload.lineMatches(in: source.full)).map(\.line))
        guard !candidates.isEmpty else { return [] }
        var findings: [Finding] = []
        var inSetup = false
        for (index, line) in lines(source.full).enumerated() {
            let text = String(line)
            let trimmed = text.drop(while: { $0 == " " })
            if trimmed.hasPrefix("#") || trimmed.hasPrefix("**"), let groups = heading.captures(in: text).first {
                let title = groups.dropFirst().compactMap { $0 }.first ?? ""
                inSetup = setupHeading.matches(title)
                continue
            }
            guard candidates.contains(index + 1) else { continue }
            if (inSetup && setupPayload.matches(text)) || anywherePayload.matches(text) {
                findings.append(Finding(rule: RuleCatalogue.socialFakePrerequisite, origin: .prose, file: source.path, line: index + 1, evidence: text))
            }
        }
        return findings
    }
}

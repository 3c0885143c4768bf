/// What the code was seen to do, as evidence for the capability layer: a place and a value.
struct Observed: Sendable, Hashable {
    let file: String
    let line: Int
    let value: String
    let evidence: String
}

/// Capabilities the code exercises, gathered by the static layer for the capability layer.
struct Observations: Sendable {
    var hosts: [Observed] = []
    var egress: [Observed] = []
    var envReads: [Observed] = []
    var executables: [Observed] = []

    static let networkAPI = Pattern(
        #"\brequests\.|\burllib|\bhttpx\b|\baiohttp\b|\bhttp\.client\b|\bfetch\s*\(|\baxios\b|XMLHttpRequest|net/http|\bcurl\b|\bwget\b|Invoke-(?:WebRequest|RestMethod)|\bsocket\b|WebSocket|\bNet::HTTP\b|\bopen-uri\b|\bhttp\.(?:get|request)\("#)
    static let url = Pattern(#"\b(?:https?|wss?)://([A-Za-z0-9.-]+\.[A-Za-z]{2,}|\d{1,3}(?:\.\d{1,3}){3})"#)
    static let egressCall = Pattern(
        #"\brequests\.(?:post|put|patch)\s*\(|\bhttpx\.(?:post|put|patch)\s*\(|\.(?:post|put)\s*\(\s*(?:self\.|this\.)?\w|\bmethod\s*[:=]\s*['"](?:POST|PUT|PATCH)['"]|\burlopen\([^)\n]*\bdata\s*=|\bcurl\b[^\n]*\s(?:-d|--data\S*|-F|--form|-T|--upload-file|-X\s*(?:POST|PUT))\b|\bwget\b[^\n]*--post-|\bsmtplib\b|\.sendall\s*\(|\.sendto\s*\(|\bInvoke-(?:RestMethod|WebRequest)\b[^\n]*-Method\s+(?:Post|Put)|\baxios\.(?:post|put)\s*\(|Net::HTTP::Post|\bhttp\.Post(?:Form)?\s*\(|\b(?:requests|httpx)\.get\(\s*f['"]https?://[^'"\n]*[?&=/]\{|\bfetch\(\s*`https?://[^`\n]*\$\{"#)
    static let envRead = Pattern(
        #"\bos\.environ\[\s*['"](\w+)['"]|\bos\.environ\.get\(\s*['"](\w+)['"]|\bos\.getenv\(\s*['"](\w+)['"]|\bprocess\.env\.([A-Za-z_]\w*)|\bprocess\.env\[\s*['"](\w+)['"]|\bos\.(?:Getenv|LookupEnv)\(\s*"(\w+)"|\bENV\[\s*['"](\w+)['"]|\bENV\.fetch\(\s*['"](\w+)['"]|\$env:(\w+)|\bSystem\.getenv\(\s*"(\w+)""#)
    static let execCall = Pattern(
        #"\bsubprocess\.\w+\(\s*\[\s*['"]([\w./+-]+)['"]|\bsubprocess\.\w+\(\s*f?['"]([\w./+-]+)|\bPopen\(\s*\[\s*['"]([\w./+-]+)['"]|\bos\.(?:system|popen)\(\s*f?['"]([\w./+-]+)|\b(?:execFile|execFileSync|spawn|spawnSync|execSync)\(\s*['"`]([\w./+-]+)|\bexec\.Command\(\s*"([\w./+-]+)"|\bos\.exec[lv]p?e?\(\s*['"]([\w./+-]+)['"]"#)

    /// Hosts that name documents or schemas rather than services.
    static let documentHosts: Set<String> = ["www.w3.org", "w3.org", "json-schema.org", "schemas.xmlsoap.org", "purl.org", "xmlns.com", "ns.adobe.com"]
    static let localHosts: Set<String> = ["localhost", "127.0.0.1", "0.0.0.0"]

    mutating func collect(from source: SourceText) {
        let isProgram = source.language.isProgram && source.language != .html
        guard isProgram || source.language == .config else { return }
        let code = source.code
        let lines = code.split(separator: "\n", omittingEmptySubsequences: false)
        func observed(_ match: Pattern.LineMatch, _ value: String) -> Observed {
            Observed(file: source.path, line: match.line, value: value, evidence: match.line <= lines.count ? String(lines[match.line - 1]) : "")
        }
        if source.language == .config || Observations.networkAPI.matches(code) {
            for match in Observations.url.lineMatches(in: code) {
                let host = match.value.lowercased()
                guard !Observations.documentHosts.contains(host), !Observations.localHosts.contains(host) else { continue }
                hosts.append(observed(match, host))
            }
        }
        guard isProgram else { return }
        egress += Observations.egressCall.lineMatches(in: code).map { observed($0, "") }
        envReads += Observations.envRead.lineMatches(in: code).map { observed($0, $0.value) }
        executables += Observations.execCall.lineMatches(in: code).map { match in
            observed(match, match.value.split(separator: "/").last.map(String.init) ?? match.value)
        }
        if source.language == .shell || source.language == .powershell {
            executables.append(Observed(file: source.path, line: 1, value: source.language == .shell ? "sh" : "pwsh",
                                        evidence: "\(source.path) is a \(source.language.rawValue) script"))
        }
    }
}

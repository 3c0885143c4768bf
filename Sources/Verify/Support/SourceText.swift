import Foundation

/// What a text file is written in, which decides the rules that apply to it.
enum Language: String, Sendable {
    case python, shell, javascript, powershell, ruby, go, perl, php, lua, html
    /// C, C++, Rust, Java, Swift, C# and kin: `//` comments, no language-specific rules.
    case cFamily
    case markdown, plainText, config

    var isProgram: Bool {
        switch self {
        case .markdown, .plainText, .config: return false
        default: return true
        }
    }

    /// The prefix of a whole-line comment, whose text is prose rather than code.
    var lineComment: String? {
        switch self {
        case .python, .shell, .powershell, .ruby, .perl, .config: return "#"
        case .javascript, .go, .php, .cFamily: return "//"
        case .lua: return "--"
        default: return nil
        }
    }

    static func of(path: String, fileExtension: String, firstLine: Substring) -> Language? {
        switch fileExtension {
        case "py", "pyw": return .python
        case "sh", "bash", "zsh", "ksh", "fish", "command": return .shell
        case "js", "mjs", "cjs", "ts", "mts", "cts", "jsx", "tsx": return .javascript
        case "ps1", "psm1", "psd1", "bat", "cmd": return .powershell
        case "rb": return .ruby
        case "go": return .go
        case "pl", "pm": return .perl
        case "php": return .php
        case "lua": return .lua
        case "c", "h", "cc", "cpp", "cxx", "hpp", "rs", "java", "kt", "kts", "swift", "cs", "scala", "dart", "m", "mm", "zig", "groovy":
            return .cFamily
        case "html", "htm", "svg", "xml": return .html
        case "md", "markdown", "mdx": return .markdown
        case "txt", "rst", "adoc", "": break
        case "json", "yaml", "yml", "toml", "ini", "cfg", "conf", "env", "properties", "plist", "service", "desktop": return .config
        case "png", "jpg", "jpeg", "gif", "webp", "ico", "pdf", "zip", "gz", "tgz", "woff", "woff2", "ttf", "otf", "mp3", "mp4", "wav":
            return nil
        default: break
        }
        if firstLine.hasPrefix("#!") {
            if firstLine.contains("python") { return .python }
            if firstLine.contains("node") || firstLine.contains("deno") || firstLine.contains("bun") { return .javascript }
            if firstLine.contains("ruby") { return .ruby }
            if firstLine.contains("perl") { return .perl }
            if firstLine.contains("pwsh") { return .powershell }
            return .shell
        }
        return fileExtension.isEmpty && path.split(separator: "/").last.map({ ["Dockerfile", "Makefile"].contains(String($0)) }) == true
            ? .shell : .plainText
    }
}

/// One text file split into what runs and what is read. Both views keep the file's line numbering
/// (lines of the other kind are blanked), so a match anywhere maps straight to file:line.
struct SourceText: Sendable {
    let path: String
    let language: Language
    /// Code: program lines, config, and shell blocks of Markdown (commands an agent is told to run).
    let code: String
    /// Prose: Markdown text, plain text, and whole-line comments.
    let prose: String
    /// Both, as in the file.
    let full: String

    init(path: String, language: Language, text: String) {
        self.path = path
        self.language = language
        self.full = text
        var code: [Substring] = []
        var prose: [Substring] = []
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        code.reserveCapacity(lines.count)
        prose.reserveCapacity(lines.count)
        switch language {
        case .markdown, .plainText:
            var fence: Substring?
            for line in lines {
                let trimmed = line.drop(while: { $0 == " " || $0 == "\t" })
                if let open = fence {
                    if trimmed.hasPrefix(open) { fence = nil; code.append(""); prose.append("") } else { code.append(line); prose.append("") }
                } else if trimmed.hasPrefix("```") || trimmed.hasPrefix("~~~") {
                    fence = trimmed.prefix(3)
                    code.append("")
                    prose.append("")
                } else {
                    code.append("")
                    prose.append(line)
                }
            }
        default:
            for line in lines {
                if line.hasPrefix("#!") {
                    code.append(line)
                    prose.append("")
                } else if let start = language.lineComment.flatMap({ SourceText.commentStart(in: line, marker: $0) }) {
                    let before = line[..<start]
                    code.append(before.allSatisfy(\.isWhitespace) ? "" : before)
                    prose.append(line[start...])
                } else {
                    code.append(line)
                    prose.append("")
                }
            }
        }
        self.code = code.joined(separator: "\n")
        self.prose = prose.joined(separator: "\n")
    }

    /// Where a comment starts on a line: the marker at the start of the line, or after whitespace
    /// outside string quotes. A comment is read, not run, so it belongs to the prose view.
    static func commentStart(in line: Substring, marker: String) -> Substring.Index? {
        var quote: Character?
        var previous: Character = " "
        var index = line.startIndex
        while index < line.endIndex {
            let character = line[index]
            if let open = quote {
                if character == open && previous != "\\" { quote = nil }
            } else if character == "\"" || character == "'" || character == "`" {
                quote = character
            } else if (previous == " " || previous == "\t") && line[index...].hasPrefix(marker) {
                return index
            }
            previous = character
            index = line.index(after: index)
        }
        return nil
    }

    /// Decodes a file's bytes as text, or nil for binary content (NUL bytes or mostly invalid UTF-8).
    static func decode(_ bytes: ArraySlice<UInt8>) -> String? {
        if bytes.prefix(8192).contains(0) { return nil }
        let text = String(decoding: bytes, as: UTF8.self)
        let replacements = text.unicodeScalars.prefix(8192).lazy.filter { $0 == "\u{FFFD}" }.count
        return replacements > 16 ? nil : text
    }
}

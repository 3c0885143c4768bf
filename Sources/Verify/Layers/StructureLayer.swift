import Foundation
import MementoCore

/// Layer 1: the file tree itself: links, special files, sizes, content types, executable bits.
struct StructureLayer: AuditLayer {
    let name = LayerName.structure

    /// Extensions that promise text, documents or media: a binary wearing one is hiding.
    static let harmlessExtensions: Set<String> = [
        "txt", "md", "markdown", "rst", "json", "yaml", "yml", "toml", "csv", "tsv", "xml", "html", "htm", "css", "svg",
        "png", "jpg", "jpeg", "gif", "webp", "ico", "pdf", "py", "js", "ts", "sh", "rb", "go", "ps1", "ini", "cfg", "conf", "log",
        "ttf", "otf", "woff", "woff2", "mp3", "wav", "mp4", "docx", "xlsx", "pptx",
    ]
    static let binaryExtensions: Set<String> = ["so", "dylib", "dll", "exe", "bin", "o", "a", "node", "elf", "out"]
    static let ignoredHidden: Set<String> = [".gitignore", ".gitattributes", ".gitkeep", ".editorconfig", ".npmignore", ".clawhubignore"]

    func run(_ context: inout AuditContext) -> LayerOutcome {
        let tree = context.tree
        var findings: [Finding] = []
        for limit in tree.limitsHit {
            findings.append(Finding(rule: RuleCatalogue.structSize, origin: .tree, file: "", line: nil, evidence: limit))
        }
        let declaredLibraries = Set([context.manifest?.entry?.library].compactMap { $0 }.map(SkillTree.normalised))
        let sources = Set(tree.regularFiles.filter { $0.fileExtension == "py" }.map { String($0.path.dropLast(3)) })
        let linksInside = Dictionary(tree.regularFiles.map { ($0.inode, 1) }, uniquingKeysWith: +)
        for file in tree.files {
            if file.path.split(separator: "/").contains(where: { $0.hasPrefix(".") }) && !Self.ignoredHidden.contains(file.name) {
                findings.append(Finding(rule: RuleCatalogue.structHiddenFile, origin: .tree, file: file.path, line: nil, evidence: file.path))
            }
            switch file.kind {
            case .symlink(let target):
                let rule = escapes(link: file.path, target: target) ? RuleCatalogue.structSymlinkEscape : RuleCatalogue.structSymlink
                findings.append(Finding(rule: rule, origin: .tree, file: file.path, line: nil, evidence: "\(file.path) -> \(target)"))
            case .special:
                findings.append(Finding(rule: RuleCatalogue.structSpecialFile, origin: .tree, file: file.path, line: nil,
                                        evidence: String(format: "mode %o", file.mode)))
            case .regular:
                if file.links > linksInside[file.inode, default: 1] {
                    findings.append(Finding(rule: RuleCatalogue.structHardLink, origin: .tree, file: file.path, line: nil,
                                            evidence: "\(file.links) links, \(linksInside[file.inode, default: 1]) inside the skill"))
                }
                findings += inspect(file, declaredLibraries: declaredLibraries, pythonSources: sources)
            case .directory:
                break
            }
        }
        context.findings += findings
        return .ran
    }

    /// Resolves the link lexically from its folder, by its `/` bytes as the filesystem would;
    /// anything reaching above the root escapes.
    private func escapes(link: String, target: String) -> Bool {
        if target.utf8.first == UInt8(ascii: "/") { return true }
        var stack = TreePath.components(link).dropLast()
        for part in TreePath.components(target) {
            if part == ".." {
                if stack.isEmpty { return true }
                stack.removeLast()
            } else if part != "." {
                stack.append(part)
            }
        }
        return false
    }

    private func inspect(_ file: SkillFile, declaredLibraries: Set<String>, pythonSources: Set<String>) -> [Finding] {
        var findings: [Finding] = []
        let type = ContentType.sniff(file.bytes)
        let ext = file.fileExtension
        switch type {
        case .elf, .pe, .machO:
            if Self.harmlessExtensions.contains(ext) {
                findings.append(Finding(rule: RuleCatalogue.structBinaryDisguised, origin: .tree, file: file.path, line: nil,
                                        evidence: "\(type.rawValue) binary named .\(ext)"))
            } else if !declaredLibraries.contains(file.path) {
                findings.append(Finding(rule: RuleCatalogue.structEmbeddedExecutable, origin: .tree, file: file.path, line: nil,
                                        evidence: "\(type.rawValue) binary"))
            }
        case .pickle:
            findings.append(Finding(rule: RuleCatalogue.structPickle, origin: .tree, file: file.path, line: nil, evidence: "pickle data"))
        case .zip(let encrypted):
            if encrypted {
                findings.append(Finding(rule: RuleCatalogue.structEncryptedArchive, origin: .tree, file: file.path, line: nil, evidence: "encrypted ZIP entries"))
            }
            if !["zip", "jar", "docx", "xlsx", "pptx", "odt", "whl", "skill", "apk", "epub", "nupkg"].contains(ext) {
                findings.append(mismatch(file, type))
            }
        case .pdf, .png, .jpeg, .gif, .gzip:
            if let expected = type.extensions, !expected.contains(ext) { findings.append(mismatch(file, type)) }
        case .text, .unknown:
            if let claimed = ContentType.claimedBinary(ext), !file.bytes.isEmpty {
                findings.append(Finding(rule: RuleCatalogue.structTypeMismatch, origin: .tree, file: file.path, line: nil,
                                        evidence: ".\(ext) file without a \(claimed) signature"))
            }
        }
        if ext == "pkl" || ext == "pickle", type != .pickle {
            findings.append(Finding(rule: RuleCatalogue.structPickle, origin: .tree, file: file.path, line: nil, evidence: file.path))
        }
        if ext == "pyc" && !pythonSources.contains(pycSourceStem(file.path)) {
            findings.append(Finding(rule: RuleCatalogue.structOrphanBytecode, origin: .tree, file: file.path, line: nil, evidence: file.path))
        }
        if file.isExecutable && !file.bytes.starts(with: Array("#!".utf8)) && ![.elf, .machO, .pe].contains(type) && !file.bytes.isEmpty {
            findings.append(Finding(rule: RuleCatalogue.structExecutableBit, origin: .tree, file: file.path, line: nil,
                                    evidence: String(format: "mode %o", file.mode & 0o7777)))
        }
        return findings
    }

    private func mismatch(_ file: SkillFile, _ type: ContentType) -> Finding {
        Finding(rule: RuleCatalogue.structTypeMismatch, origin: .tree, file: file.path, line: nil,
                evidence: "\(type.rawValue) content named .\(file.fileExtension)")
    }

    /// `pkg/__pycache__/mod.cpython-312.pyc` and `pkg/mod.pyc` both come from `pkg/mod.py`.
    private func pycSourceStem(_ path: String) -> String {
        var parts = path.split(separator: "/").map(String.init)
        guard let last = parts.popLast() else { return path }
        if parts.last == "__pycache__" { parts.removeLast() }
        let stem = last.split(separator: ".").first.map(String.init) ?? last
        return (parts + [stem]).joined(separator: "/")
    }
}

/// A file's type from its first bytes.
enum ContentType: Equatable, Sendable {
    case elf, pe, machO, pickle, zip(encrypted: Bool), pdf, png, jpeg, gif, gzip, text, unknown

    var rawValue: String {
        switch self {
        case .elf: return "ELF"
        case .pe: return "PE"
        case .machO: return "Mach-O"
        case .pickle: return "pickle"
        case .zip: return "ZIP"
        case .pdf: return "PDF"
        case .png: return "PNG"
        case .jpeg: return "JPEG"
        case .gif: return "GIF"
        case .gzip: return "gzip"
        case .text: return "text"
        case .unknown: return "data"
        }
    }

    var extensions: Set<String>? {
        switch self {
        case .pdf: return ["pdf", "ai"]
        case .png: return ["png"]
        case .jpeg: return ["jpg", "jpeg"]
        case .gif: return ["gif"]
        case .gzip: return ["gz", "tgz", "svgz"]
        default: return nil
        }
    }

    /// Extensions that promise a binary signature, with its name.
    static func claimedBinary(_ ext: String) -> String? {
        ["png": "PNG", "jpg": "JPEG", "jpeg": "JPEG", "gif": "GIF", "pdf": "PDF", "zip": "ZIP", "gz": "gzip"][ext]
    }

    static func sniff(_ bytes: [UInt8]) -> ContentType {
        func starts(_ magic: [UInt8]) -> Bool { bytes.starts(with: magic) }
        if starts([0x7F, 0x45, 0x4C, 0x46]) { return .elf }
        if starts([0x4D, 0x5A]) && bytes.count >= 64 { return .pe }
        if starts([0xFE, 0xED, 0xFA, 0xCE]) || starts([0xFE, 0xED, 0xFA, 0xCF]) || starts([0xCE, 0xFA, 0xED, 0xFE]) || starts([0xCF, 0xFA, 0xED, 0xFE]) {
            return .machO
        }
        if starts([0x50, 0x4B, 0x03, 0x04]) {
            // General-purpose flag bit 0 of a local file header marks an encrypted entry.
            return .zip(encrypted: bytes.count > 7 && bytes[6] & 1 == 1)
        }
        if starts(Array("%PDF".utf8)) { return .pdf }
        if starts([0x89, 0x50, 0x4E, 0x47]) { return .png }
        if starts([0xFF, 0xD8, 0xFF]) { return .jpeg }
        if starts(Array("GIF8".utf8)) { return .gif }
        if starts([0x1F, 0x8B]) { return .gzip }
        if bytes.count > 2, bytes[0] == 0x80, (2...5).contains(bytes[1]), bytes.last == 0x2E { return .pickle }
        return bytes.prefix(8192).contains(0) ? .unknown : .text
    }
}

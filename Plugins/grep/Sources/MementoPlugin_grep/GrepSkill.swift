#if canImport(Glibc)
import Glibc
#endif
import Foundation
import PluginSupport
import SkillABI
import SkillKit

/// Regular-expression search over files inside the allowed roots, with every output bounded:
/// matches, line length, bytes read per file and files visited.
struct GrepSkill: Skill {
    static let identity = SkillIdentity(name: skillName, version: skillVersion, manifest: skillManifest, flags: UInt32(SKILL_FLAG_THREAD_SAFE))
    static let tools: [SkillTool<GrepSkill>] = [.tool("search", GrepSkill.search)]

    struct Settings: Decodable {
        var roots: [String]?
        var maxMatches: Int?
        var maxFileBytes: Int?
        var maxFiles: Int?
        enum CodingKeys: String, CodingKey { case roots, maxMatches = "max_matches", maxFileBytes = "max_file_bytes", maxFiles = "max_files" }
    }

    struct Input: Decodable {
        let pattern: String, path: String?, glob: String?, ignoreCase: Bool?, maxMatches: Int?
        enum CodingKeys: String, CodingKey { case pattern, path, glob, ignoreCase = "ignore_case", maxMatches = "max_matches" }
    }
    struct Match: Encodable { let file: String; let line: Int; let text: String }
    struct Output: Encodable {
        let matches: [Match], filesSearched: Int, truncated: Bool, skipped: [String]
        enum CodingKeys: String, CodingKey { case matches, filesSearched = "files_searched", truncated, skipped }
    }

    /// Longer lines are cut here in replies: a minified file would otherwise fill the budget.
    static let maxLineCharacters = 400

    func search(_ input: Input, _ settings: Settings) throws -> Output {
        let roots = try AllowedRoots(settings.roots)
        let start = try roots.resolve(input.path ?? ".")
        let expression: NSRegularExpression
        do {
            expression = try NSRegularExpression(pattern: input.pattern, options: input.ignoreCase == true ? [.caseInsensitive] : [])
        } catch {
            throw SkillError("invalid_arguments", "'\(input.pattern)' is not a valid regular expression")
        }
        let limit = min(input.maxMatches ?? 200, settings.maxMatches ?? 1000)
        let maxFileBytes = settings.maxFileBytes ?? 8 << 20
        let maxFiles = settings.maxFiles ?? 20_000
        var search = Search(roots: roots, expression: expression, glob: input.glob, limit: limit, maxFileBytes: maxFileBytes, maxFiles: maxFiles)
        guard FileManager.default.fileExists(atPath: start) else { throw SkillError("not_found", "\(input.path ?? "."): no such file or folder") }
        search.visit(start)
        return Output(matches: search.matches, filesSearched: search.filesSearched, truncated: search.truncated, skipped: search.skipped)
    }

    struct Search {
        let roots: AllowedRoots
        let expression: NSRegularExpression
        let glob: String?
        let limit: Int
        let maxFileBytes: Int
        let maxFiles: Int
        var matches: [Match] = []
        var filesSearched = 0
        var truncated = false
        var skipped: [String] = []

        mutating func visit(_ path: String) {
            guard !truncated, let canonical = try? roots.resolve(path) else { return }
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: canonical, isDirectory: &isFolder) else { return }
            if isFolder.boolValue {
                for name in ((try? FileManager.default.contentsOfDirectory(atPath: canonical)) ?? []).sorted() where !name.hasPrefix(".") {
                    visit(canonical + "/" + name)
                }
            } else if glob.map({ fnmatch($0, (canonical as NSString).lastPathComponent, 0) == 0 }) ?? true {
                searchFile(canonical)
            }
        }

        private mutating func searchFile(_ path: String) {
            guard filesSearched < maxFiles else { truncated = true; return }
            let shown = roots.display(path)
            guard let handle = FileHandle(forReadingAtPath: path) else { skipped.append(shown + ": unreadable"); return }
            defer { try? handle.close() }
            guard let data = try? handle.read(upToCount: maxFileBytes + 1) else { skipped.append(shown + ": unreadable"); return }
            guard data.count <= maxFileBytes else { skipped.append(shown + ": over \(maxFileBytes) bytes"); return }
            // Binary files have NUL bytes near the start; text has none.
            guard !data.prefix(8192).contains(0) else { return }
            filesSearched += 1
            let text = String(decoding: data, as: UTF8.self)
            var number = 0
            for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
                number += 1
                let string = String(line)
                guard expression.firstMatch(in: string, range: NSRange(string.startIndex..., in: string)) != nil else { continue }
                guard matches.count < limit else { truncated = true; return }
                matches.append(Match(file: shown, line: number, text: String(string.prefix(GrepSkill.maxLineCharacters))))
            }
        }
    }
}

@c(skill_abi_v1_entry)
public func skillEntry(_ major: UInt32, _ minor: UInt32) -> UnsafePointer<skill_descriptor>? {
    SkillExport.entry(GrepSkill.self, major, minor)
}

import Foundation
import MementoCore

/// Layer 2: SKILL.md and skill.json against the specification, and against each other.
struct ManifestLayer: AuditLayer {
    let name = LayerName.manifest

    func run(_ context: inout AuditContext) -> LayerOutcome {
        var findings: [Finding] = []
        let folder = context.folderName
        if context.documentFile == nil && context.manifestFile == nil {
            findings.append(Finding(rule: RuleCatalogue.manifestMissing, origin: .tree, file: "", line: nil, evidence: folder))
        }
        if let file = context.documentFile {
            let text = String(decoding: file.bytes, as: UTF8.self)
            let rule = context.document == nil ? RuleCatalogue.manifestUnparseable : RuleCatalogue.manifestSpec
            for diagnostic in SkillDocument.validate(text: text, file: file.path, folderName: nil) {
                findings.append(Finding(rule: rule, origin: .prose, file: file.path, line: diagnostic.line,
                                        evidence: diagnostic.field.map { "\($0): \(diagnostic.message)" } ?? diagnostic.message))
            }
            if let name = context.document?.name {
                if name != folder {
                    findings.append(Finding(rule: RuleCatalogue.manifestNameMismatch, origin: .prose, file: file.path,
                                            line: context.document?.fieldLines["name"], evidence: "name '\(name)', folder '\(folder)'"))
                }
                findings += homoglyphs(in: name, file: file.path, line: context.document?.fieldLines["name"])
            }
            if let document = context.document, document.license?.isEmpty ?? true {
                findings.append(Finding(rule: RuleCatalogue.manifestNoLicense, origin: .prose, file: file.path, line: nil, evidence: "no 'license' field"))
            }
            if let description = context.document?.description {
                findings += overbroad(description, file: file.path, line: context.document?.fieldLines["description"])
            }
        }
        if let file = context.manifestFile {
            if let error = context.manifestError {
                findings.append(Finding(rule: RuleCatalogue.manifestSkillJSON, origin: .prose, file: file.path, line: nil,
                                        evidence: error.field.map { "\($0): \(error.problem)" } ?? error.problem))
            }
            if let manifest = context.manifest {
                findings += check(manifest, file: file.path, folder: folder, context: context)
            }
        }
        context.findings += findings
        return .ran
    }

    private func check(_ manifest: SkillManifest, file: String, folder: String, context: AuditContext) -> [Finding] {
        var findings: [Finding] = []
        if manifest.name != folder || (context.document?.name.map { $0 != manifest.name } ?? false) {
            findings.append(Finding(rule: RuleCatalogue.manifestNameMismatch, origin: .prose, file: file, line: nil,
                                    evidence: "skill.json name '\(manifest.name)', folder '\(folder)'"
                                        + (context.document?.name.map { ", SKILL.md name '\($0)'" } ?? "")))
        }
        findings += homoglyphs(in: manifest.name, file: file, line: nil)
        for description in [manifest.description] + manifest.tools.map(\.description) {
            findings += overbroad(description, file: file, line: nil)
        }
        var entries = [manifest.entry?.library].compactMap { $0 }
        if let command = manifest.entry?.command, command.contains("/") { entries.append(command) }
        for path in entries {
            if context.tree.file(at: path) == nil {
                findings.append(Finding(rule: RuleCatalogue.manifestEntryMissing, origin: .tree, file: file, line: nil, evidence: path))
            }
        }
        return findings
    }

    static let broadTrigger = Pattern(
        #"\b(?:use|invoke|call|trigger|activate|apply|load|run)\s+(?:this\s+(?:skill|tool)\s+|me\s+|it\s+)?(?:for|on|with|in|to|before|after|during)\s+(?:any|every|all)\s+(?:tasks?|requests?|questions?|messages?|prompts?|conversations?|quer(?:y|ies)|interactions?|user\s+(?:inputs?|messages?|requests?))\b|\balways\s+(?:use|invoke|call|activate|load|run)\s+(?:this|me)\b|\b(?:use|invoke)\s+(?:this\s+skill\s+)?(?:first|before\s+anything\s+else)\b"#)

    /// A description that claims every task, or stuffs keywords, wins skill selection it should not.
    private func overbroad(_ description: String, file: String, line: Int?) -> [Finding] {
        var reasons: [String] = []
        if ManifestLayer.broadTrigger.matches(description) { reasons.append("claims every task") }
        let words = description.lowercased().split(whereSeparator: { !$0.isLetter }).filter { $0.count > 3 }.map(String.init)
        let counts = Dictionary(words.map { ($0, 1) }, uniquingKeysWith: +)
        if let (word, count) = counts.max(by: { $0.value < $1.value || ($0.value == $1.value && $0.key > $1.key) }), count >= 8 {
            reasons.append("repeats '\(word)' \(count) times")
        }
        if description.split(separator: ",").count > 15 { reasons.append("lists more than 15 comma-separated terms") }
        guard !reasons.isEmpty else { return [] }
        return [Finding(rule: RuleCatalogue.manifestOverbroadTrigger, origin: .prose, file: file, line: line, evidence: description,
                        detail: reasons.joined(separator: "; "))]
    }

    /// Names are identities: any character outside the ASCII set, or one that NFKC changes, can spoof another skill.
    private func homoglyphs(in name: String, file: String, line: Int?) -> [Finding] {
        guard !name.unicodeScalars.allSatisfy(\.isASCII) || name.precomposedStringWithCompatibilityMapping != name else { return [] }
        let nonASCII = name.unicodeScalars.filter { !$0.isASCII }.map { String(format: "U+%04X", $0.value) }
        return [Finding(rule: RuleCatalogue.unicodeMixedScript, origin: .code, file: file, line: line, evidence: name,
                        detail: "non-ASCII in the name: \(nonASCII.prefix(4).joined(separator: " "))")]
    }
}

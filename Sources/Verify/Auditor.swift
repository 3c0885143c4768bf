import Foundation
import MementoCore

/// Runs the layers over a skill folder and decides the verdict.
public enum Auditor {
    /// The pipeline, in order: the static layers, then execution in `sandbox` when there is one.
    static func layers(sandbox: (any ExecutionSandbox)?) -> [any AuditLayer] {
        [StructureLayer(), ManifestLayer(), StaticLayer(), NativeLayer(), CapabilityLayer(), ExecutionLayer(sandbox: sandbox)]
    }

    /// Whether the audit of a skill of this kind runs its code (when a sandbox is given): the
    /// execution layer runs native, FFI and script skills; instructions have no code to run.
    public static func executes(_ kind: SkillKind) -> Bool {
        kind == .native || kind == .ffi || kind == .script
    }

    /// `folderName` stands in for the folder's own name in the name check, for trees audited
    /// somewhere other than a folder named after the skill (staging, the store).
    /// `sandbox` runs the skill's tools (layer 6); without one that layer is reported as skipped.
    public static func audit(folder: URL, folderName: String? = nil, policy: Policy = .default, acknowledged: [Acknowledgement] = [],
                             limits: AuditLimits = AuditLimits(), sandbox: (any ExecutionSandbox)? = nil) throws(AuditError) -> AuditReport
    {
        let started = DispatchTime.now()
        if let unknown = acknowledged.first(where: { RuleCatalogue.rule(id: $0.ruleId) == nil }) {
            throw AuditError("--acknowledge names the unknown rule '\(unknown.ruleId)'; use an id from a report's findings")
        }
        let tree = try SkillTree.load(folder, limits: limits)
        var context = makeContext(tree: tree, folderName: folderName ?? tree.root.lastPathComponent, limits: limits)
        var outcomes: [(LayerName, LayerOutcome)] = []
        let budget = ScanBudget()
        ScanBudget.$current.withValue(budget) {
            for layer in layers(sandbox: sandbox) {
                outcomes.append((layer.name, layer.run(&context)))
            }
        }
        if budget.overrunCount > 0 {
            context.findings.append(Finding(rule: RuleCatalogue.structSize, origin: .tree, file: "", line: nil,
                                            evidence: "\(budget.overrunCount) pattern scan(s) stopped at their time limit on very long or pathological lines"))
        }

        let honoured = Set(acknowledged.filter { $0.problem == nil }.map(\.ruleId))
        var findings = deduplicated(context.findings)
        for index in findings.indices where honoured.contains(findings[index].ruleId) {
            findings[index].acknowledged = true
        }
        findings.sort(by: Finding.reportOrder)
        let elapsed = Double(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1_000_000
        return AuditReport(
            target: .init(path: tree.root.path, name: context.document?.name ?? context.manifest?.name ?? context.folderName,
                          version: context.manifest?.version.description ?? context.document?.declaredVersion, treeHash: tree.treeHash),
            policy: policy, policyFingerprint: policy.fingerprint(acknowledged: acknowledged),
            verdict: policy.verdict(for: findings), findings: findings,
            layers: outcomes.map { AuditReport.LayerStatus(name: $0.0, outcome: $0.1) },
            acknowledgements: acknowledged.map { .init(ruleId: $0.ruleId, reason: $0.reason, accepted: $0.problem == nil, note: $0.problem) },
            durationMs: Int(elapsed.rounded()))
    }

    private static func makeContext(tree: SkillTree, folderName: String, limits: AuditLimits) -> AuditContext {
        var sources: [SourceText] = []
        for file in tree.regularFiles where !file.bytes.isEmpty {
            let head = file.bytes.prefix(limits.maxTextBytes)
            let firstLine = String(decoding: head.prefix(200).prefix { $0 != 0x0A }, as: UTF8.self)
            guard let language = Language.of(path: file.path, fileExtension: file.fileExtension, firstLine: Substring(firstLine)),
                  let text = SourceText.decode(head) else { continue }
            sources.append(SourceText(path: file.path, language: language, text: text))
        }
        let documentFile = tree.file(at: SkillDocument.fileName) ?? tree.file(at: "skill.md")
        let document = documentFile.flatMap {
            SkillDocument.load(text: String(decoding: $0.bytes, as: UTF8.self), file: $0.path).document
        }
        let manifestFile = tree.file(at: SkillManifest.fileName)
        var manifest: SkillManifest?
        var manifestError: ManifestError?
        if let manifestFile {
            do {
                manifest = try SkillManifest.decode(Data(manifestFile.bytes), file: manifestFile.path)
            } catch {
                manifestError = error
            }
        }
        return AuditContext(tree: tree, folderName: folderName, sources: sources, documentFile: documentFile, document: document,
                            manifestFile: manifestFile, manifest: manifest, manifestError: manifestError)
    }

    /// Several patterns can describe one line; keep the strongest finding per rule and place.
    private static func deduplicated(_ findings: [Finding]) -> [Finding] {
        var best: [String: Finding] = [:]
        for finding in findings {
            let key = "\(finding.ruleId)\u{0}\(finding.file)\u{0}\(finding.line ?? 0)"
            if let existing = best[key], !isStronger(finding, than: existing) { continue }
            best[key] = finding
        }
        return Array(best.values)
    }

    private static func isStronger(_ lhs: Finding, than rhs: Finding) -> Bool {
        if lhs.blocking != rhs.blocking { return lhs.blocking }
        if lhs.severity != rhs.severity { return lhs.severity > rhs.severity }
        return lhs.evidence < rhs.evidence
    }
}


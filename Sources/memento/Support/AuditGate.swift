import Foundation
import MementoCore
import PluginHost
import SkillStore
import Verify

/// The install gate, for install and update alike: every skill is audited in staging before the
/// store commits to it. `block` refuses the install and shows the report; `warn` installs and
/// lists the warnings (or refuses under the strict policy). A Python script skill that passes gets
/// its environment before the commit, so a failed pip install refuses the install instead of
/// leaving a skill that cannot run.
struct AuditGate {
    let policy: Policy
    let acknowledged: [Acknowledgement]
    let quiet: Bool
    /// Verdicts are cached by tree hash, rules version and policy, so a reinstall is not re-audited.
    let store: SkillStore

    struct Refusal: LocalizedUserError {
        let description: String
    }

    func callAsFunction(_ staged: StagedSkill) throws -> String? {
        let sandbox = BubblewrapSandbox(home: store.layout.home)
        let audit: CachedAudit
        do {
            audit = try admit(staged, sandbox: sandbox)
        } catch {
            // A refused install keeps nothing the audit built for it.
            sandbox.discardBuiltEnvironments()
            throw error
        }
        if staged.kind == .script {
            // Usually built already by the audit's sandboxed run; not when the verdict was cached
            // or the sandbox is missing.
            try PythonEnvironments(home: store.layout.home).prepare(try SkillManifest.load(from: URL(fileURLWithPath: staged.root + "/" + SkillManifest.fileName)))
        }
        return "\(audit.verdict) rules \(RuleCatalogue.version)"
    }

    /// The audit's verdict, cached or reached now; throws a `Refusal` when it does not admit the skill.
    private func admit(_ staged: StagedSkill, sandbox: BubblewrapSandbox) throws -> CachedAudit {
        // A verdict reached without running the skill must not stand in for one that ran it.
        let ran = Auditor.executes(staged.kind) && sandbox.unavailableReason == nil ? "+exec" : ""
        let fingerprint = policy.fingerprint(acknowledged: acknowledged) + ran
        let audit: CachedAudit
        if let cached = try store.cachedAudit(tree: staged.treeSha256, rules: RuleCatalogue.version, policy: fingerprint) {
            audit = cached
        } else {
            let report: AuditReport
            do {
                report = try Auditor.audit(folder: URL(fileURLWithPath: staged.root), folderName: staged.name, policy: policy,
                                           acknowledged: acknowledged, sandbox: sandbox)
            } catch {
                throw Refusal(description: "verify could not audit \(staged.name) \(staged.version): \(error)")
            }
            audit = CachedAudit(verdict: report.verdict.rawValue, report: TextReport.render(report))
            try store.cacheAudit(tree: staged.treeSha256, rules: RuleCatalogue.version, policy: fingerprint, audit)
        }
        switch Verdict(rawValue: audit.verdict) ?? .block {
        case .block:
            Terminal.note(audit.report)
            throw Refusal(description: "verify blocked \(staged.name) \(staged.version) (report above)")
        case .warn:
            if !quiet { Terminal.note(audit.report) }
            if policy == .strict {
                throw Refusal(description: "verify warned about \(staged.name) \(staged.version) and the policy is strict")
            }
        case .pass:
            break
        }
        return audit
    }
}

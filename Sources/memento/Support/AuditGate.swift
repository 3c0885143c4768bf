import Foundation
import MementoCore
import SkillStore
import Verify

/// The install gate: every skill is audited in staging before the store commits to it.
/// `block` refuses the install and shows the report; `warn` installs and lists the warnings
/// (or refuses under the strict policy).
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
        let fingerprint = policy.fingerprint(acknowledged: acknowledged)
        let audit: CachedAudit
        if let cached = try store.cachedAudit(tree: staged.treeSha256, rules: RuleCatalogue.version, policy: fingerprint) {
            audit = cached
        } else {
            let report: AuditReport
            do {
                report = try Auditor.audit(folder: URL(fileURLWithPath: staged.root), folderName: staged.name, policy: policy,
                                           acknowledged: acknowledged, sandbox: BubblewrapSandbox(home: store.layout.home))
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
        return "\(audit.verdict) rules \(RuleCatalogue.version)"
    }
}

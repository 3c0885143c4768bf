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

    struct Refusal: LocalizedUserError {
        let description: String
    }

    func callAsFunction(_ staged: StagedSkill) throws -> String? {
        let report: AuditReport
        do {
            report = try Auditor.audit(folder: URL(fileURLWithPath: staged.root), folderName: staged.name, policy: policy, acknowledged: acknowledged)
        } catch {
            throw Refusal(description: "verify could not audit \(staged.name) \(staged.version): \(error)")
        }
        let counted = report.findings.filter { !$0.acknowledged }
        if report.verdict == .block {
            Terminal.note(TextReport.render(report))
            throw Refusal(description: "verify blocked \(staged.name) \(staged.version) (\(counted.count) finding(s), report above)")
        }
        if report.verdict == .warn {
            if !quiet { Terminal.note(TextReport.render(report)) }
            if policy == .strict {
                throw Refusal(description: "verify warned about \(staged.name) \(staged.version) and the policy is strict")
            }
        }
        return "\(report.verdict.rawValue) rules \(report.rulesVersion)"
    }
}

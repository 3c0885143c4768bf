import ArgumentParser
import Foundation
import Verify

/// `memento verify PATH`: the static audit of a skill folder.
struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Audit a skill folder for malicious or unsafe behaviour.",
        discussion: """
            Runs the audit layers (structure, manifest, static review of code and prose, native binaries, declared vs observed capabilities) and prints a verdict: pass, warn or block. Every finding has a stable rule id, a severity, file:line and the evidence. Sandboxed execution is not part of this build; the report says it was skipped.

            EXIT CODES
              0  pass or warn
              1  block
              2  the audit itself failed (bad path, unreadable files, unknown rule id)

            EXAMPLES
              memento verify ./csv-stats
              memento verify ./csv-stats --json > report.json
              memento verify ./csv-stats --sarif > verify.sarif
              memento verify ./csv-stats --acknowledge CAP-UNDECLARED-HOST \\
                --reason "host documented in the README"
            """
    )

    @Argument(help: ArgumentHelp("The skill folder (the one holding SKILL.md or skill.json).", valueName: "path"))
    var path: String

    @Flag(name: .long, help: "Print the report as JSON.")
    var json = false

    @Flag(name: .long, help: "Print the report as SARIF 2.1.0.")
    var sarif = false

    @Option(name: .long, help: ArgumentHelp("How findings become a verdict: default or strict.", valueName: "policy"))
    var policy: String = Policy.default.rawValue

    @Option(name: .long, parsing: .upToNextOption,
            help: ArgumentHelp("Accept the findings of these rules (recorded in the report).", valueName: "rule"))
    var acknowledge: [String] = []

    @Option(name: .long, help: ArgumentHelp("Why the acknowledged rules are acceptable.", valueName: "text"))
    var reason: String?

    func validate() throws {
        if json && sarif { throw ValidationError("choose one of --json and --sarif") }
        if Policy(rawValue: policy) == nil {
            throw ValidationError("unknown policy '\(policy)'; use one of: \(Policy.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        if reason != nil && acknowledge.isEmpty { throw ValidationError("--reason explains an --acknowledge; give the rule ids too") }
    }

    func run() throws {
        let report: AuditReport
        do {
            report = try Auditor.audit(
                folder: URL(fileURLWithPath: path),
                policy: Policy(rawValue: policy) ?? .default,
                acknowledged: acknowledge.map { Acknowledgement(ruleId: $0, reason: reason) })
        } catch {
            throw CommandError("verify could not audit '\(path)': \(error)")
        }
        let rendered = json ? JSONReport.render(report) : sarif ? SARIFReport.render(report) : TextReport.render(report)
        FileHandle.standardOutput.write(Data(rendered.utf8))
        if report.verdict == .block { throw ExitCode(1) }
    }
}

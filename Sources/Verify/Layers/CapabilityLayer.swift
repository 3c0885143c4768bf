/// Layer 5: what the manifests claim (permissions, allowed-tools) against what the code was seen to do.
struct CapabilityLayer: AuditLayer {
    let name = LayerName.capability

    func run(_ context: inout AuditContext) -> LayerOutcome {
        let observed = context.observations
        var findings: [Finding] = []

        // Collection plus egress is the shape of theft even when each half looks routine.
        let harvest = context.findings.filter { $0.category == .credentialAccess && $0.origin == .code }
        let undeclaredEgress = observed.egress.filter { egress in
            let hosts = observed.hosts.filter { $0.file == egress.file }.map(\.value)
            return hosts.isEmpty || hosts.contains { !context.isDeclared(host: $0) }
        }
        if let source = harvest.sorted(by: Finding.reportOrder).first {
            for egress in undeclaredEgress {
                findings.append(Finding(rule: RuleCatalogue.exfilCredentialEgress, origin: .code, file: egress.file, line: egress.line,
                                        evidence: egress.evidence, detail: "collected at \(source.file):\(source.line ?? 0) by \(source.ruleId)"))
            }
        }

        let hasManifest = context.manifest != nil
        var reportedHosts: Set<String> = []
        for host in observed.hosts where !context.isDeclared(host: host.value) && reportedHosts.insert(host.value).inserted {
            let isProgram = context.sources.first { $0.path == host.file }?.language.isProgram ?? false
            guard isProgram else { continue }
            findings.append(Finding(rule: RuleCatalogue.capUndeclaredHost, origin: .code, file: host.file, line: host.line, evidence: host.evidence,
                                    detail: hasManifest ? "host \(host.value)" : "host \(host.value); the skill has no skill.json to declare it",
                                    severity: hasManifest ? nil : .low))
        }
        if let permissions = context.manifest?.permissions {
            var reportedEnv: Set<String> = []
            for read in observed.envReads where !permissions.env.contains(read.value) && reportedEnv.insert(read.value).inserted {
                findings.append(Finding(rule: RuleCatalogue.capUndeclaredEnv, origin: .code, file: read.file, line: read.line,
                                        evidence: read.evidence, detail: read.value))
            }
            let declared = Set(permissions.executables.map { $0.split(separator: "/").last.map(String.init) ?? $0 })
            var reportedPrograms: Set<String> = []
            for program in observed.executables where !declared.contains(program.value) && reportedPrograms.insert(program.value).inserted {
                findings.append(Finding(rule: RuleCatalogue.capUndeclaredExec, origin: .code, file: program.file, line: program.line,
                                        evidence: program.evidence, detail: program.value))
            }
        }
        if let tools = context.document?.allowedTools, !observed.executables.isEmpty {
            let grantsShell = tools.split(whereSeparator: { $0 == " " || $0 == "," }).contains { $0.lowercased().hasPrefix("bash") || $0.lowercased().hasPrefix("shell") }
            if !grantsShell, let first = observed.executables.first {
                findings.append(Finding(rule: RuleCatalogue.capToolsExceeded, origin: .code, file: first.file, line: first.line,
                                        evidence: first.evidence, detail: "allowed-tools: \(tools)"))
            }
        }
        context.findings += findings
        return .ran
    }
}

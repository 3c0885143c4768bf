import Foundation

/// Layer 3: static review of code and prose, plus the observations the capability layer checks.
struct StaticLayer: AuditLayer {
    let name = LayerName.static

    func run(_ context: inout AuditContext) -> LayerOutcome {
        var findings: [Finding] = []
        for source in context.sources {
            findings += scan(source, context: context)
            context.observations.collect(from: source)
        }
        context.findings += findings
        return .ran
    }

    func scan(_ source: SourceText, context: AuditContext) -> [Finding] {
        let codeLines = Set(source.code.split(separator: "\n", omittingEmptySubsequences: false).enumerated()
            .compactMap { $0.element.isEmpty ? nil : $0.offset + 1 })
        let isDocument = source.language == .markdown || source.language == .plainText
        let codeOrigin: Origin = isDocument ? .instructions : .code
        let origin: (Int) -> Origin = { codeLines.contains($0) ? codeOrigin : .prose }
        // The model reads every word of Markdown and of manifest descriptions, code blocks included.
        let readsAsProse = isDocument || source.path.hasSuffix("skill.json")
        var findings: [Finding] = []
        findings += run(PatternCatalogue.all, on: source.code, origin: codeOrigin, source: source, context: context) { $0 != .prose }
        findings += run(PatternCatalogue.all, on: source.prose, origin: .prose, source: source, context: context) { $0 == .both }
        if readsAsProse {
            findings += run(PatternCatalogue.all, on: source.full, origin: .prose, source: source, context: context) { $0 == .prose }
        }
        findings += DataFlow.scan(source)
        findings += CodeHeuristics.unboundedLoops(source)
        findings += CodeHeuristics.pathTraversal(source)
        findings += CodeHeuristics.environmentHarvest(source)
        findings += CodeHeuristics.encodedPayloads(source, origin: origin)
        findings += CodeHeuristics.unpinnedInstalls(source, origin: origin)
        findings += CodeHeuristics.unpinnedRequirements(source)
        findings += CodeHeuristics.ransomware(source)
        findings += CodeHeuristics.fakePrerequisites(source)
        findings += UnicodeScan.scan(source, origin: origin)
        return findings
    }

    private func run(_ rules: [PatternRule], on text: String, origin: Origin, source: SourceText, context: AuditContext,
                     where include: (PatternRule.Scope) -> Bool) -> [Finding]
    {
        guard !text.isEmpty else { return [] }
        let haystack = Haystack(text)
        let ns = text as NSString
        var index: LineIndex?
        var findings: [Finding] = []
        for patternRule in rules where include(patternRule.scope) && patternRule.applies(to: source.language)
            && patternRule.worthRunning(on: haystack)
        {
            for range in patternRule.pattern.matches(in: ns) {
                let lines = index ?? LineIndex(ns)
                index = lines
                let line = lines.line(at: range.location)
                let matched = ns.substring(with: range)
                if isDeclaredDestination(matched, rule: patternRule.rule, context: context) { continue }
                let severity = origin == .code ? nil : patternRule.severityOutsideCode
                findings.append(Finding(rule: patternRule.rule, origin: origin, file: source.path, line: line,
                                        evidence: lines.lineText(line), severity: severity))
            }
        }
        return findings
    }

    /// A webhook or tunnel the manifest declares is a disclosed capability, not a hidden drop.
    private func isDeclaredDestination(_ matched: String, rule: Rule, context: AuditContext) -> Bool {
        guard [RuleCatalogue.exfilWebhook.id, RuleCatalogue.exfilTunnel.id, RuleCatalogue.exfilRawIP.id].contains(rule.id) else { return false }
        return context.isDeclared(host: AuditContext.hostName(of: matched))
    }
}

import MementoCore

/// Everything the layers share: the tree read once, the manifests, and what earlier layers saw.
struct AuditContext: Sendable {
    let tree: SkillTree
    /// The name the skill's folder has, or will have once installed: the store audits a staged
    /// tree whose own folder name means nothing.
    let folderName: String
    /// Text files, decoded once and capped at `AuditLimits.maxTextBytes`.
    let sources: [SourceText]
    /// SKILL.md (or skill.md) as found, and what the lenient loader made of it.
    let documentFile: SkillFile?
    let document: SkillDocument?
    /// skill.json as found, and the decoded manifest or why it did not decode.
    let manifestFile: SkillFile?
    let manifest: SkillManifest?
    let manifestError: ManifestError?
    var observations = Observations()
    var findings: [Finding] = []

    /// The network hosts skill.json declares, normalised to bare lower-case host names.
    var declaredHosts: [String] { (manifest?.permissions.network ?? []).map(AuditContext.hostName(of:)) }

    /// `https://API.acme.dev:443/v1` → `api.acme.dev`; a bare host stays as it is.
    static func hostName(of text: String) -> String {
        var host = text.lowercased()
        if let scheme = host.range(of: "://") { host = String(host[scheme.upperBound...]) }
        return String(host.prefix { $0 != "/" && $0 != ":" && $0 != "?" })
    }

    func isDeclared(host: String) -> Bool {
        declaredHosts.contains { declared in
            declared == host || (declared.hasPrefix("*.") && host.hasSuffix(declared.dropFirst()))
                || (declared.hasPrefix(".") && host.hasSuffix(declared))
        }
    }
}

/// How a layer ended, for the report: a layer that did not run says why.
public enum LayerOutcome: Sendable, Equatable {
    case ran
    case skipped(reason: String)
}

/// One stage of the pipeline. New stages (sandboxed execution) slot in by conforming.
protocol AuditLayer: Sendable {
    var name: LayerName { get }
    func run(_ context: inout AuditContext) -> LayerOutcome
}

import PluginSupport
import SkillKit

/// The limits the host's settings put on the `shell` and `python` tools. A caller may ask for a
/// shorter timeout, never a longer one.
public struct ProcessLimits: Decodable, Sendable {
    /// Seconds a call may run when the caller does not say.
    public var defaultTimeout: Double?
    /// The most seconds a caller may ask for.
    public var maxTimeout: Double?
    /// Bytes of stdout and of stderr kept; the rest is dropped and the reply says so.
    public var outputCap: Int?
    /// Host environment variables a child inherits; nothing else of the host's leaks through.
    public var envAllow: [String]?
    /// Folders a child may start in (default: the host's working directory).
    public var roots: [String]?

    enum CodingKeys: String, CodingKey {
        case defaultTimeout = "default_timeout", maxTimeout = "max_timeout", outputCap = "output_cap", envAllow = "env_allow", roots
    }

    public static let standardEnvironment = ["PATH", "HOME", "LANG", "LC_ALL", "TERM", "TMPDIR", "USER"]

    public func timeout(requested: Double?) -> Double {
        let ceiling = maxTimeout ?? 300
        return min(requested ?? defaultTimeout ?? 30, ceiling)
    }

    public var cap: Int { outputCap ?? 64 << 10 }

    /// The inherited variables, then the caller's on top.
    public func environment(adding extra: [String: String]) -> [String: String] {
        BoundedProcess.inherited(envAllow ?? ProcessLimits.standardEnvironment).merging(extra) { _, caller in caller }
    }

    /// Runs argv under these limits, starting in `directory` (checked against the roots).
    public func run(_ argv: [String], directory: String?, stdin: String?, environment extra: [String: String], timeout requested: Double?) throws -> ProcessOutcome {
        let roots = try AllowedRoots(roots)
        let start = try roots.resolve(directory ?? ".")
        return try BoundedProcess.run(argv: argv, environment: environment(adding: extra), directory: start, stdin: Array((stdin ?? "").utf8),
                                      timeoutSeconds: timeout(requested: requested), outputCap: cap)
    }
}

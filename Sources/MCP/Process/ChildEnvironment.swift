import Foundation

/// The environment a server process gets: a small whitelist from the host plus the configured
/// variables. A whitelist, so API keys in the host's environment do not leak to every server.
public enum ChildEnvironment {
    /// What a process needs to find its tools and files. The locale and TMPDIR are added to the
    /// usual six (as Python's client passes them) because interpreters decode text by them.
    public static let inherited = ["HOME", "LOGNAME", "PATH", "SHELL", "TERM", "USER", "LANG", "LC_ALL", "TMPDIR"]

    public struct ExpansionError: Error, Sendable, Equatable, CustomStringConvertible {
        public let variable: String
        public let reference: String
        public var description: String {
            "env \(variable) refers to ${\(reference)}, which is not set in memento's environment"
        }
    }

    /// Whitelisted host variables, overridden by `configured`, in which `${NAME}` is replaced by
    /// the host's value (so `"PATH": "${PATH}:/opt/bin"` extends rather than replaces).
    public static func build(configured: [String: String], host: [String: String]) throws(ExpansionError) -> [String: String] {
        var result: [String: String] = [:]
        for name in inherited {
            if let value = host[name] { result[name] = value }
        }
        for (name, template) in configured {
            result[name] = try expand(template, variable: name, host: host)
        }
        return result
    }

    /// Replaces each `${NAME}`; `$` not followed by `{` is literal. An unset reference is an
    /// error rather than an empty string, which would fail later and obscurely.
    static func expand(_ template: String, variable: String, host: [String: String]) throws(ExpansionError) -> String {
        var output = ""
        var rest = Substring(template)
        while let dollar = rest.range(of: "${") {
            output += rest[..<dollar.lowerBound]
            guard let close = rest[dollar.upperBound...].firstIndex(of: "}") else {
                output += rest[dollar.lowerBound...]
                return output
            }
            let name = String(rest[dollar.upperBound..<close])
            guard let value = host[name] else { throw ExpansionError(variable: variable, reference: name) }
            output += value
            rest = rest[rest.index(after: close)...]
        }
        return output + rest
    }
}

/// Protocol versions as data. Versions are compared by position in these lists, never by
/// string order, so a future naming scheme cannot confuse us.
public enum ProtocolVersion {
    /// Handshake (`initialize`) versions, oldest first.
    public static let legacy = ["2024-11-05", "2025-03-26", "2025-06-18", "2025-11-25"]
    /// Stateless versions with `server/discover` and a per-request `_meta` envelope, oldest first.
    public static let modern = ["2026-07-28"]

    public static var latestLegacy: String { legacy[legacy.count - 1] }
    public static var latestModern: String { modern[modern.count - 1] }

    /// Our preferred version among those a modern server supports, if any.
    static func bestModern(among offered: [String]) -> String? {
        modern.last(where: offered.contains)
    }
}

/// Which era to speak with a server: configured per server in mcp.json as `"era"`.
public enum EraPin: Sendable, Equatable, CustomStringConvertible {
    /// Probe with `server/discover`, fall back to `initialize`.
    case auto
    /// Handshake only, never probe.
    case legacy
    /// This exact modern version, no probe and no fallback.
    case modern(String)

    public init?(_ text: String) {
        switch text {
        case "auto": self = .auto
        case "legacy": self = .legacy
        case let version where ProtocolVersion.modern.contains(version): self = .modern(version)
        default: return nil
        }
    }

    public var description: String {
        switch self {
        case .auto: return "auto"
        case .legacy: return "legacy"
        case .modern(let version): return version
        }
    }
}

/// The era a running server process turned out to speak.
public enum NegotiatedEra: Sendable, Equatable, CustomStringConvertible {
    case legacy(version: String)
    case modern(version: String)

    public var version: String {
        switch self {
        case .legacy(let version), .modern(let version): return version
        }
    }

    public var isModern: Bool {
        if case .modern = self { return true }
        return false
    }

    public var description: String {
        switch self {
        case .legacy(let version): return "legacy \(version)"
        case .modern(let version): return "modern \(version)"
        }
    }
}

/// Where everything lives under `$MEMENTO_HOME` (DESIGN.md, "The store").
public struct StoreLayout: Sendable {
    public let home: String

    public init(home: String) { self.home = home }

    public var database: String { home + "/memento.db" }
    public var store: String { home + "/store" }
    public var blobs: String { store + "/blobs/sha256" }
    public var skills: String { store + "/skills" }
    public var staging: String { store + "/staging" }
    public var lock: String { store + "/lock" }

    public func blob(_ sha256: String) -> String { blobs + "/" + sha256 }
    public func skill(_ name: String) -> String { skills + "/" + name }
    public func version(_ name: String, _ version: String) -> String { skill(name) + "/" + version }
    public func current(_ name: String) -> String { skill(name) + "/current" }

    /// The name of the link that selects the active version.
    public static let currentLinkName = "current"
}

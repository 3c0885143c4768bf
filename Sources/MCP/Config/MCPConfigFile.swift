import Foundation
import MementoCore

/// `$MEMENTO_HOME/mcp.json`: `{"mcpServers": {NAME: entry}}`, the shape Claude Desktop, Cursor
/// and others use, so a user can copy entries between them. Other top-level keys are kept.
public struct MCPConfigFile: Sendable {
    public let path: String
    public private(set) var servers: [String: MCPServerConfig]
    private var otherKeys: [String: JSONValue]

    public static func path(home: String) -> String { home + "/mcp.json" }

    /// Loads the file; a missing file is an empty configuration.
    public static func load(home: String) throws(MCPError) -> MCPConfigFile {
        let path = path(home: home)
        guard FileManager.default.fileExists(atPath: path) else {
            return MCPConfigFile(path: path, servers: [:], otherKeys: [:])
        }
        let (servers, other) = try parse(path: path)
        return MCPConfigFile(path: path, servers: servers, otherKeys: other)
    }

    /// Reads the servers of another client's config: `mcpServers` (Claude, Cursor, …) or
    /// `servers` (VS Code). Entries that are not stdio servers are reported, not imported.
    public static func readForeign(path: String) throws(MCPError) -> (servers: [String: MCPServerConfig], skipped: [String: String]) {
        let root = try readJSON(path: path)
        guard let table = (root["mcpServers"] ?? root["servers"])?.objectValue else {
            throw MCPError(.configuration, server: "", "\(path) has no \"mcpServers\" (or \"servers\") object")
        }
        var servers: [String: MCPServerConfig] = [:]
        var skipped: [String: String] = [:]
        for (name, entry) in table {
            do {
                servers[name] = try MCPServerConfig(name: name, json: entry)
            } catch {
                skipped[name] = error.message
            }
        }
        return (servers, skipped)
    }

    public mutating func set(_ server: MCPServerConfig) {
        servers[server.name] = server
    }

    @discardableResult
    public mutating func remove(_ name: String) -> Bool {
        servers.removeValue(forKey: name) != nil
    }

    /// Writes atomically (temp file, fsync, rename), so a crash never leaves half a file.
    public func save() throws(MCPError) {
        var root = otherKeys
        root["mcpServers"] = .object(servers.mapValues(\.json))
        let directory = (path as NSString).deletingLastPathComponent
        do {
            try FileSystem.makeDirectories(directory)
            try FileSystem.writeAtomically(JSONValue.object(root).encodedData(.pretty), to: path, permissions: 0o600)
        } catch {
            throw MCPError(.configuration, server: "", "could not write \(path): \(error)")
        }
    }

    private static func readJSON(path: String) throws(MCPError) -> JSONValue {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw MCPError(.configuration, server: "", "cannot read \(path)")
        }
        do {
            return try JSONValue.parse(bytes: data)
        } catch {
            throw MCPError(.configuration, server: "", "\(path) is not valid JSON: \(error)")
        }
    }

    private static func parse(path: String) throws(MCPError) -> ([String: MCPServerConfig], [String: JSONValue]) {
        let root = try readJSON(path: path)
        guard var members = root.objectValue else {
            throw MCPError(.configuration, server: "", "\(path) must hold a JSON object with \"mcpServers\"")
        }
        let table = members.removeValue(forKey: "mcpServers") ?? .object([:])
        guard let entries = table.objectValue else {
            throw MCPError(.configuration, server: "", "\"mcpServers\" in \(path) must be an object")
        }
        var servers: [String: MCPServerConfig] = [:]
        for (name, entry) in entries {
            servers[name] = try MCPServerConfig(name: name, json: entry)
        }
        return (servers, members)
    }
}

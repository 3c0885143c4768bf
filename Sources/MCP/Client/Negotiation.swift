import Logging
import MementoCore

/// Era negotiation, per process (notes/mcp.md §7): probe with `server/discover`; a result or
/// a recognised `-32022` means modern; any other error or silence means legacy. The fallback is
/// never keyed to one error code, since legacy SDKs answer the probe differently.
extension MCPConnection {
    static func negotiate(_ config: MCPServerConfig, peer: JSONRPCPeer, features: ClientFeatures) async throws(MCPError) -> Session {
        switch config.era {
        case .legacy:
            return try await initialize(config, peer: peer, features: features)
        case .modern(let version):
            do {
                return try await discover(config, peer: peer, features: features, version: version, timeout: config.requestTimeout)
            } catch where error.kind != .connectionClosed && error.kind != .cancelled {
                throw MCPError(error.kind, server: config.name, "server/discover failed (\(error.message)) although the server is pinned to \(version); if it only speaks the handshake era, set \"era\" to \"auto\" or \"legacy\"", stderrTail: error.stderrTail)
            }
        case .auto:
            do {
                // The request timeout also bounds the probe, so a short configured timeout stays short.
                let timeout = min(probeTimeout, config.requestTimeout)
                return try await discover(config, peer: peer, features: features, version: ProtocolVersion.latestModern, timeout: timeout)
            } catch where error.kind == .connectionClosed || error.kind == .cancelled {
                throw error
            } catch {
                Logger(label: "memento.mcp.\(config.name)").debug("server/discover failed (\(error.message)); using the legacy handshake")
                do {
                    return try await initialize(config, peer: peer, features: features)
                } catch where Self.isModernRefusal(error) {
                    // A slow dual-era server answered our timed-out probe after all, which
                    // locked the connection to the modern era: discover again, patiently.
                    return try await discover(config, peer: peer, features: features, version: ProtocolVersion.latestModern, timeout: config.requestTimeout)
                }
            }
        }
    }

    /// `-32022` listing a modern version we speak: the server refuses the handshake era.
    private static func isModernRefusal(_ error: MCPError) -> Bool {
        guard case .remote(let remote) = error.kind, remote.code == JSONRPCError.unsupportedProtocolVersion,
              let offered = remote.data?["supported"]?.arrayValue?.compactMap(\.stringValue) else { return false }
        return ProtocolVersion.bestModern(among: offered) != nil
    }

    private static func discover(_ config: MCPServerConfig, peer: JSONRPCPeer, features: ClientFeatures, version: String, timeout: Duration) async throws(MCPError) -> Session {
        var version = version
        // Two attempts: ours, then one the server listed in a -32022.
        for attempt in 0..<2 {
            // Not cancelled on expiry: a silent server is probably legacy, and a cancel for a
            // request it never understood would be one more oddity for it to log.
            let options = RequestOptions(timeout: timeout, sendsCancellation: false)
            let result: JSONValue
            do {
                result = try await peer.request("server/discover", params: modernEnvelope(nil, version: version, features: features), options: options)
            } catch {
                guard attempt == 0, case .remote(let remote) = error.kind, remote.code == JSONRPCError.unsupportedProtocolVersion,
                      let offered = remote.data?["supported"]?.arrayValue?.compactMap(\.stringValue),
                      let retry = ProtocolVersion.bestModern(among: offered)
                else { throw error }
                version = retry
                continue
            }
            let supported = result["supportedVersions"]?.arrayValue?.compactMap(\.stringValue) ?? []
            guard supported.contains(version) || ProtocolVersion.bestModern(among: supported) != nil else {
                throw MCPError(.protocolViolation, server: config.name, "the server supports \(supported), none of which memento speaks (\(ProtocolVersion.modern))")
            }
            let chosen = supported.contains(version) ? version : ProtocolVersion.bestModern(among: supported) ?? version
            return Session(
                era: .modern(version: chosen), capabilities: result["capabilities"] ?? [:],
                serverInfo: result["_meta"]?["io.modelcontextprotocol/serverInfo"],
                instructions: result["instructions"]?.stringValue)
        }
        throw MCPError(.protocolViolation, server: config.name, "server/discover kept rejecting the protocol version")
    }

    private static func initialize(_ config: MCPServerConfig, peer: JSONRPCPeer, features: ClientFeatures) async throws(MCPError) -> Session {
        let params: JSONValue = [
            "protocolVersion": .string(ProtocolVersion.latestLegacy),
            "capabilities": features.legacyCapabilities,
            "clientInfo": ClientFeatures.clientInfo,
        ]
        // The spec forbids cancelling initialize.
        let result = try await peer.request("initialize", params: params, options: RequestOptions(timeout: config.requestTimeout, sendsCancellation: false))
        guard let version = result["protocolVersion"]?.stringValue, ProtocolVersion.legacy.contains(version) else {
            throw MCPError(.protocolViolation, server: config.name, "the server answered initialize with protocol version \(result["protocolVersion"]?.encoded() ?? "none"); memento speaks \(ProtocolVersion.legacy)")
        }
        peer.notify("notifications/initialized")
        return Session(
            era: .legacy(version: version), capabilities: result["capabilities"] ?? [:],
            serverInfo: result["serverInfo"], instructions: result["instructions"]?.stringValue)
    }
}

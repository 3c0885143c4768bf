#if canImport(Glibc)
import Glibc
#endif
import CPluginCurl
import Foundation
import SkillABI
import SkillKit

/// GET and POST through libcurl, to the hosts the host's settings allow and nowhere else.
struct HTTPSkill: Skill {
    static let identity = SkillIdentity(name: skillName, version: skillVersion, manifest: skillManifest, flags: UInt32(SKILL_FLAG_THREAD_SAFE))
    static let tools: [SkillTool<HTTPSkill>] = [.tool("get", HTTPSkill.get), .tool("post", HTTPSkill.post)]

    struct Settings: Decodable {
        /// Exact host names or IP addresses, or `*.example.com` for its subdomains. None by
        /// default: a network tool reaches nothing until someone says where it may go.
        var allowedHosts: [String]?
        var maxBytes: Int?
        var maxTimeout: Double?
        var allowPlainHTTP: Bool?
        enum CodingKeys: String, CodingKey {
            case allowedHosts = "allowed_hosts", maxBytes = "max_bytes", maxTimeout = "max_timeout", allowPlainHTTP = "allow_plain_http"
        }
    }

    struct GetInput: Decodable {
        let url: String, headers: [String: String]?, timeoutSeconds: Double?
        enum CodingKeys: String, CodingKey { case url, headers, timeoutSeconds = "timeout_seconds" }
    }
    struct PostInput: Decodable {
        let url: String, body: String, contentType: String?, headers: [String: String]?, timeoutSeconds: Double?
        enum CodingKeys: String, CodingKey { case url, body, contentType = "content_type", headers, timeoutSeconds = "timeout_seconds" }
    }
    struct Output: Encodable {
        let status: Int, headers: [String: String], contentType: String?, body: String, encoding: String
        enum CodingKeys: String, CodingKey { case status, headers, contentType = "content_type", body, encoding }
    }

    func get(_ input: GetInput, _ settings: Settings) throws -> Output {
        try HTTPSkill.exchange(method: "GET", url: input.url, body: [], headers: input.headers ?? [:], timeout: input.timeoutSeconds, settings)
    }

    func post(_ input: PostInput, _ settings: Settings) throws -> Output {
        var headers = input.headers ?? [:]
        if !headers.keys.contains(where: { $0.lowercased() == "content-type" }) { headers["Content-Type"] = input.contentType ?? "application/json" }
        return try HTTPSkill.exchange(method: "POST", url: input.url, body: Array(input.body.utf8), headers: headers, timeout: input.timeoutSeconds, settings)
    }

    /// What the allow callback sees; the C side calls back synchronously, on this thread.
    final class Gate {
        let hosts: [String]
        let plainHTTP: Bool
        var refusedScheme = false
        init(hosts: [String], plainHTTP: Bool) { self.hosts = hosts; self.plainHTTP = plainHTTP }

        func allows(scheme: String, host: String) -> Bool {
            if scheme == "http" && !plainHTTP { refusedScheme = true; return false }
            // Compared as bytes: Swift's String equality treats differently normalised names as
            // equal, though a resolver without IDNA looks up the bytes.
            let name = Array(host.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: "[]")).utf8)
            return hosts.contains { pattern in
                let allowed = Array(pattern.lowercased().utf8)
                guard allowed.starts(with: "*.".utf8) else { return name == allowed }
                let suffix = allowed.dropFirst()
                return name.count > suffix.count && name.suffix(suffix.count).elementsEqual(suffix)
            }
        }
    }

    static func exchange(method: String, url: String, body: [UInt8], headers: [String: String], timeout: Double?, _ settings: Settings) throws -> Output {
        guard !url.utf8.contains(0), headers.allSatisfy({ !"\($0.key)\($0.value)".unicodeScalars.contains(where: { $0 == "\r" || $0 == "\n" || $0 == "\0" }) && !$0.key.contains(":") }) else {
            throw SkillError("invalid_arguments", "the URL and header names and values must not contain line breaks, NUL or (in names) ':'")
        }
        let gate = Gate(hosts: settings.allowedHosts ?? [], plainHTTP: settings.allowPlainHTTP ?? true)
        let maxBytes = settings.maxBytes ?? 5 << 20
        let seconds = min(timeout ?? 30, settings.maxTimeout ?? 120)
        let lines = headers.sorted { $0.key < $1.key }.map { strdup("\($0.key): \($0.value)") } + [nil]
        defer { lines.forEach { free($0) } }
        var response = plugin_http_response()
        defer { plugin_http_free(&response) }
        withExtendedLifetime(gate) {
            url.withCString { urlPointer in
                method.withCString { methodPointer in
                    body.withUnsafeBufferPointer { bodyBytes in
                        lines.map { UnsafePointer($0) }.withUnsafeBufferPointer { headerLines in
                            var request = plugin_http_request(
                                url: urlPointer, method: methodPointer, body: bodyBytes.baseAddress, body_len: bodyBytes.count,
                                headers: headerLines.baseAddress, timeout_ms: Int(seconds * 1000), max_bytes: maxBytes,
                                allow: { context, scheme, host in
                                    guard let context, let scheme, let host else { return 0 }
                                    let gate = Unmanaged<Gate>.fromOpaque(context).takeUnretainedValue()
                                    return gate.allows(scheme: String(cString: scheme), host: String(cString: host)) ? 1 : 0
                                },
                                context: Unmanaged.passUnretained(gate).toOpaque())
                            plugin_http_perform(&request, &response)
                        }
                    }
                }
            }
        }
        let message = withUnsafeBytes(of: response.error) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        switch Int(response.outcome) {
        case Int(PLUGIN_HTTP_OK): break
        case Int(PLUGIN_HTTP_BAD_URL): throw SkillError("invalid_arguments", "\(url): \(message)")
        case Int(PLUGIN_HTTP_NOT_ALLOWED):
            if gate.refusedScheme { throw SkillError("not_allowed", "\(url): plain http is off in the host's settings (allow_plain_http); use https") }
            throw SkillError("not_allowed", "\(url): host '\(message)' is not in allowed_hosts (\(gate.hosts.joined(separator: ", "))); the host's settings.json lists the hosts this tool may reach")
        case Int(PLUGIN_HTTP_TOO_LARGE): throw SkillError("too_large", "\(url): the response body is over \(maxBytes) bytes (max_bytes)")
        case Int(PLUGIN_HTTP_TIMEOUT): throw SkillError("timeout", "\(url): no complete response within \(seconds) s")
        default: throw SkillError("failed", "\(url): \(message)")
        }
        let bytes = response.body.map { Array(UnsafeBufferPointer(start: $0, count: response.body_len)) } ?? []
        let rawHeaders = response.headers.map { String(decoding: UnsafeBufferPointer(start: UnsafeRawPointer($0).assumingMemoryBound(to: UInt8.self), count: response.headers_len), as: UTF8.self) } ?? ""
        let text = String(validating: bytes, as: UTF8.self)
        return Output(status: response.status, headers: parse(rawHeaders), contentType: response.content_type.map { String(cString: $0) },
                      body: text ?? Data(bytes).base64EncodedString(), encoding: text == nil ? "base64" : "utf-8")
    }

    /// The last response's headers (after any 1xx), names lowercased, repeated ones joined.
    static func parse(_ block: String) -> [String: String] {
        var headers: [String: String] = [:]
        for line in block.components(separatedBy: "\r\n") {
            if line.hasPrefix("HTTP/") { headers = [:]; continue }
            guard let colon = line.firstIndex(of: ":") else { continue }
            let name = line[..<colon].lowercased()
            let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            headers[name] = headers[name].map { $0 + ", " + value } ?? value
        }
        return headers
    }
}

@c(skill_abi_v1_entry)
public func skillEntry(_ major: UInt32, _ minor: UInt32) -> UnsafePointer<skill_descriptor>? {
    SkillExport.entry(HTTPSkill.self, major, minor)
}

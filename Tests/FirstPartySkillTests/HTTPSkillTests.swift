import Foundation
import MementoCore
import PluginHost
import Testing
import TestSupport

@Suite("http: GET and POST to allowed hosts, with limits (against nginx on 127.0.0.1)")
struct HTTPSkillTests {
    let sandbox: Sandbox
    let nginx: Nginx

    init() throws {
        sandbox = try Sandbox()
        try sandbox.write("hello.txt", "hello from nginx\n")
        try Data([0xff, 0xfe, 0x00, 0x80]).write(to: URL(fileURLWithPath: sandbox.root + "/binary.bin"))
        try Data(repeating: 0x61, count: 300_000).write(to: URL(fileURLWithPath: sandbox.root + "/big.txt"))
        nginx = try Nginx(serving: sandbox.root, locations: """
            location = /moved { return 302 http://example.com/hello.txt; }
            location = /post { return 200 "$request_method $content_type $content_length $http_x_test"; }
            """)
    }

    var base: String { "http://127.0.0.1:\(nginx.port)" }

    func http(_ settings: JSONValue = ["allowed_hosts": ["127.0.0.1"]]) throws -> ToolRegistry {
        try FirstParty.registry("http", settings: settings)
    }

    @Test func getsTextAndBinaryBodiesWithStatusAndHeaders() throws {
        let http = try http()
        let text = try http.expectSuccess("http.get", ["url": .string(base + "/hello.txt")])
        #expect(text["status"] == 200)
        #expect(text["body"] == "hello from nginx\n")
        #expect(text["encoding"] == "utf-8")
        #expect(text["headers"]?["server"]?.stringValue?.hasPrefix("nginx") == true)
        #expect(text["content_type"] == "text/plain")
        let binary = try http.expectSuccess("http.get", ["url": .string(base + "/binary.bin")])
        #expect(binary["encoding"] == "base64")
        #expect(binary["body"] == .string(Data([0xff, 0xfe, 0x00, 0x80]).base64EncodedString()))
        #expect(try http.expectSuccess("http.get", ["url": .string(base + "/missing")])["status"] == 404)
    }

    @Test func postsABodyWithHeaders() throws {
        let http = try http()
        let reply = try http.expectSuccess("http.post", ["url": .string(base + "/post"), "body": "{\"a\": 1}", "headers": ["X-Test": "yes"]])
        #expect(reply["body"] == "POST application/json 8 yes")
        let typed = try http.expectSuccess("http.post", ["url": .string(base + "/post"), "body": "a=1", "content_type": "application/x-www-form-urlencoded"])
        #expect(typed["body"] == "POST application/x-www-form-urlencoded 3 ")
        #expect(try http.expectFailure("http.post", ["url": .string(base + "/post"), "body": "", "headers": ["X-Bad": "a\r\nInjected: 1"]]) == "invalid_arguments")
    }

    @Test func reachesOnlyAllowedHostsAndNeverFollowsRedirects() throws {
        let http = try http()
        #expect(try http.expectFailure("http.get", ["url": .string("http://localhost:\(nginx.port)/hello.txt")]) == "not_allowed")
        #expect(try http.expectFailure("http.get", ["url": "http://127.0.0.1.nip.io/"]) == "not_allowed")
        #expect(try http.expectFailure("http.get", ["url": "http://127.0.0.1@example.com/"]) == "not_allowed", "the host is what libcurl connects to, not the allowed name in the userinfo")
        #expect(try http.expectFailure("http.get", ["url": "file:///etc/passwd"]) == "invalid_arguments")
        #expect(try http.expectFailure("http.get", ["url": "not a url"]) == "invalid_arguments")
        let redirect = try http.expectSuccess("http.get", ["url": .string(base + "/moved")])
        #expect(redirect["status"] == 302)
        #expect(redirect["headers"]?["location"] == "http://example.com/hello.txt")
        // Nothing is allowed until the settings say so.
        #expect(try self.http([:]).expectFailure("http.get", ["url": .string(base + "/hello.txt")]) == "not_allowed")
        let wildcard = try self.http(["allowed_hosts": ["*.example.com"]])
        #expect(try wildcard.expectFailure("http.get", ["url": "http://example.com.evil.net/"]) == "not_allowed")
        // The wildcard's accepting side, on the loopback server: 127.0.0.1 ends in ".0.0.1".
        #expect(try self.http(["allowed_hosts": ["*.0.0.1"]]).expectSuccess("http.get", ["url": .string(base + "/hello.txt")])["status"] == 200)
        #expect(try self.http(["allowed_hosts": ["*.127.0.0.1"]]).expectFailure("http.get", ["url": .string(base + "/hello.txt")]) == "not_allowed")
        let httpsOnly = try self.http(["allowed_hosts": ["127.0.0.1"], "allow_plain_http": false])
        #expect(try httpsOnly.expectFailure("http.get", ["url": .string(base + "/hello.txt")]) == "not_allowed")
    }

    @Test func sizeAndTimeAreLimited() throws {
        let small = try http(["allowed_hosts": ["127.0.0.1"], "max_bytes": 100_000])
        #expect(try small.expectFailure("http.get", ["url": .string(base + "/big.txt")]) == "too_large")
        #expect(try small.expectSuccess("http.get", ["url": .string(base + "/hello.txt")])["status"] == 200)

        // A server that accepts the connection (the kernel's backlog does) and never answers.
        let (silent, port) = try Nginx.boundSocket()
        defer { close(silent) }
        listen(silent, 8)
        let clock = ContinuousClock()
        var code: String?
        let elapsed = try clock.measure {
            code = try http().expectFailure("http.get", ["url": .string("http://127.0.0.1:\(port)/"), "timeout_seconds": 0.5])
        }
        #expect(code == "timeout")
        #expect(elapsed < .seconds(5))
    }
}

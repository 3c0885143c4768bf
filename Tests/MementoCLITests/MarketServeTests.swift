import Foundation
import MementoCore
import Testing
import TestSupport

/// `memento market serve` as a real process on a free port, killed when the test ends.
final class ServeProcess {
    let process = Process()
    let port: Int
    let logFile: String

    init(_ catalogue: String, in directory: String, extra: [String] = []) throws {
        port = try Nginx.freePort()
        logFile = directory + "/serve-\(port).log"
        try Data().write(to: URL(fileURLWithPath: logFile))
        process.executableURL = URL(fileURLWithPath: CLI.binary)
        process.arguments = ["market", "serve", catalogue, "--port", String(port)] + extra
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle(forWritingAtPath: logFile)
        try process.run()
        for _ in 0..<100 {
            if Nginx.accepts(port: port) { return }
            Thread.sleep(forTimeInterval: 0.05)
        }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        throw FileSystemError("start memento market serve on port \(port); see", logFile, code: ETIMEDOUT)
    }

    var url: String { "http://127.0.0.1:\(port)/" }
    var log: String { (try? String(contentsOfFile: logFile, encoding: .utf8)) ?? "" }

    /// The server logs a request after answering it: a client may be done a moment before.
    func logged(_ text: String) -> Bool {
        for _ in 0..<40 {
            if log.contains(text) { return true }
            Thread.sleep(forTimeInterval: 0.05)
        }
        return false
    }

    /// Sends `signal` and waits (bounded) for the exit.
    func stop(with signal: Int32) -> Bool {
        kill(process.processIdentifier, signal)
        for _ in 0..<100 where process.isRunning { Thread.sleep(forTimeInterval: 0.05) }
        return !process.isRunning
    }

    deinit {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }
}

/// One raw HTTP exchange, so a test sends exactly the bytes it means (a URL library would
/// normalise `/../` away before sending it).
struct RawResponse {
    let status: Int
    let headers: [String: String]
    let body: Data

    init(port: Int, _ request: String) throws {
        guard let socketFD = Nginx.connection(toPort: port) else { throw FileSystemError("connect to", "127.0.0.1:\(port)") }
        defer { close(socketFD) }
        var timeout = timeval(tv_sec: 5, tv_usec: 0)
        setsockopt(socketFD, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        let bytes = Array(request.utf8)
        guard bytes.withUnsafeBytes({ send(socketFD, $0.baseAddress, $0.count, 0) }) == bytes.count else {
            throw FileSystemError("send to", "127.0.0.1:\(port)")
        }
        var received = Data()
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = buffer.withUnsafeMutableBytes { recv(socketFD, $0.baseAddress, $0.count, 0) }
            guard count > 0 else { break }
            received.append(contentsOf: buffer[0..<count])
        }
        guard let split = received.firstRange(of: Data("\r\n\r\n".utf8)) else { throw FileSystemError("read a response from", "127.0.0.1:\(port)", code: EPROTO) }
        let head = String(decoding: received[..<split.lowerBound], as: UTF8.self).components(separatedBy: "\r\n")
        status = Int(head[0].split(separator: " ").dropFirst().first ?? "") ?? 0
        var headers: [String: String] = [:]
        for line in head.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        self.headers = headers
        body = Data(received[split.upperBound...])
    }

    static func get(_ port: Int, _ target: String, method: String = "GET", headers: String = "") throws -> RawResponse {
        try RawResponse(port: port, "\(method) \(target) HTTP/1.1\r\nHost: 127.0.0.1\r\n\(headers)\r\n")
    }
}

@Suite(.serialized) struct MarketServeTests {
    /// A signed catalogue of `names` (a bigger archive for `big-tool`), built through the CLI.
    func catalogue(_ temporary: TemporaryDirectory, _ names: [String], shardSize: Int = 500) throws -> String {
        for name in names {
            let folder = temporary.path + "/skills/" + name
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            let text = "---\nname: \(name)\ndescription: The \(name) skill. Use when testing the catalogue server.\nmetadata:\n  version: \"1.0.0\"\n---\nDo it.\n"
            try Data(text.utf8).write(to: URL(fileURLWithPath: folder + "/SKILL.md"))
            if name == "big-tool" {
                var generator = SystemRandomNumberGenerator()
                let noise = (0..<(256 << 10)).map { _ in UInt8.random(in: 0...255, using: &generator) }
                try Data(noise).write(to: URL(fileURLWithPath: folder + "/data.bin"))
            }
        }
        let owner = CLI(home: temporary.path + "/owner")
        #expect(try owner.run(["market", "keygen", "--dir", temporary.path + "/keys"]).status == 0)
        let built = try owner.run(["market", "build", temporary.path + "/skills", "--catalog", temporary.path + "/catalogue",
                                   "--keys", temporary.path + "/keys", "--shard-size", String(shardSize)])
        #expect(built.status == 0, "\(built.stderr)")
        return temporary.path + "/catalogue"
    }

    func client(_ temporary: TemporaryDirectory, _ server: ServeProcess) throws -> CLI {
        let cli = CLI(home: temporary.path + "/home")
        #expect(try cli.run(["market", "add-source", "local", server.url, "--root-key", temporary.path + "/keys/root.pub"]).status == 0)
        return cli
    }

    @Test(.timeLimit(.minutes(2))) func searchAndInstallFromIt() throws {
        let temporary = try TemporaryDirectory()
        let names = ["csv-tool", "json-tool", "tidy-notes", "zeta-tool"]
        let server = try ServeProcess(try catalogue(temporary, names, shardSize: 2), in: temporary.path)
        let cli = try client(temporary, server)
        let search = try cli.run(["search", "--refresh", "--json", "tool"])
        #expect(search.json?.arrayValue?.compactMap { $0["name"]?.stringValue }.sorted() == ["csv-tool", "json-tool", "zeta-tool"], "\(search.stderr)")
        // Three archives at once: the downloader's parallel fetches, each on its own connection.
        let installed = try cli.run(["install", "csv-tool", "json-tool", "tidy-notes"])
        #expect(installed.status == 0, "\(installed.stderr)")
        #expect(try cli.run(["list", "--json"]).json?.arrayValue?.compactMap { $0["name"]?.stringValue } == ["csv-tool", "json-tool", "tidy-notes"])
        #expect(server.logged("\"GET /index.json\" 200"))
        #expect(server.logged("\"GET /archives/tidy-notes-1.0.0.skill\" 200"))
    }

    @Test(.timeLimit(.minutes(2))) func anInterruptedDownloadResumesWithARange() throws {
        let temporary = try TemporaryDirectory()
        let catalogue = try catalogue(temporary, ["big-tool"])
        let archive = catalogue + "/archives/big-tool-1.0.0.skill"
        let full = try Data(contentsOf: URL(fileURLWithPath: archive))
        try full.prefix(full.count / 2).write(to: URL(fileURLWithPath: archive))
        let server = try ServeProcess(catalogue, in: temporary.path)
        let cli = try client(temporary, server)
        #expect(try cli.run(["install", "big-tool"]).status != 0)
        try full.write(to: URL(fileURLWithPath: archive))
        let resumed = try cli.run(["install", "big-tool"])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(server.logged("\"GET /archives/big-tool-1.0.0.skill\" 206 \(full.count - full.count / 2)"), "\(server.log)")
    }

    @Test(.timeLimit(.minutes(1))) func rangesAndHead() throws {
        let temporary = try TemporaryDirectory()
        let catalogue = try catalogue(temporary, ["csv-tool"])
        let index = try Data(contentsOf: URL(fileURLWithPath: catalogue + "/index.json"))
        let server = try ServeProcess(catalogue, in: temporary.path)
        let whole = try RawResponse.get(server.port, "/index.json")
        #expect(whole.status == 200 && whole.body == index && whole.headers["content-length"] == "\(index.count)")
        let tail = try RawResponse.get(server.port, "/index.json", headers: "Range: bytes=100-\r\n")
        #expect(tail.status == 206 && tail.body == index.dropFirst(100))
        #expect(tail.headers["content-range"] == "bytes 100-\(index.count - 1)/\(index.count)")
        #expect(tail.headers["content-length"] == "\(index.count - 100)")
        let middle = try RawResponse.get(server.port, "/index.json", headers: "Range: bytes=10-19\r\n")
        #expect(middle.status == 206 && middle.body == index[10...19])
        let past = try RawResponse.get(server.port, "/index.json", headers: "Range: bytes=\(index.count)-\r\n")
        #expect(past.status == 416 && past.headers["content-range"] == "bytes */\(index.count)")
        let head = try RawResponse.get(server.port, "/index.json", method: "HEAD")
        #expect(head.status == 200 && head.body.isEmpty && head.headers["content-length"] == "\(index.count)")
    }

    @Test(.timeLimit(.minutes(1))) func onlyFilesInsideTheFolderAreServed() throws {
        let temporary = try TemporaryDirectory()
        let catalogue = try catalogue(temporary, ["csv-tool"])
        let secret = try String(contentsOfFile: temporary.path + "/keys/root.key", encoding: .utf8)
        try FileManager.default.createSymbolicLink(atPath: catalogue + "/leak.json", withDestinationPath: temporary.path + "/keys/root.key")
        try FileManager.default.createSymbolicLink(atPath: catalogue + "/linked", withDestinationPath: temporary.path + "/keys")
        try Data("hidden".utf8).write(to: URL(fileURLWithPath: catalogue + "/.index.json.tmp"))
        let server = try ServeProcess(catalogue, in: temporary.path)
        let refused: [(String, Int)] = [
            ("/../keys/root.key", 400), ("/archives/../../keys/root.key", 400), ("/%2e%2e/keys/root.key", 400),
            ("/archives/%2E%2E%2f%2e%2e/keys/root.key", 400), ("/./index.json", 400), ("/index.json%00", 400), ("/%zz", 400),
            ("/leak.json", 404), ("/linked/root.key", 404), ("/archives/", 404), ("/", 404), ("/.index.json.tmp", 404),
            ("/missing.json", 404), ("index.json", 400),
        ]
        for (target, status) in refused {
            let response = try RawResponse.get(server.port, target)
            #expect(response.status == status, "\(target)")
            #expect(!String(decoding: response.body, as: UTF8.self).contains(secret.trimmingCharacters(in: .whitespacesAndNewlines)))
        }
        for method in ["POST", "PUT", "DELETE", "OPTIONS"] {
            let response = try RawResponse.get(server.port, "/index.json", method: method)
            #expect(response.status == 405 && response.headers["allow"] == "GET, HEAD", "\(method)")
        }
        #expect(try RawResponse(port: server.port, "nonsense\r\n\r\n").status == 400)
        // The query string is not part of the path.
        #expect(try RawResponse.get(server.port, "/index.json?v=1").status == 200)
    }

    @Test(.timeLimit(.minutes(1))) func anIdleConnectionDoesNotBlockOthers() throws {
        let temporary = try TemporaryDirectory()
        let server = try ServeProcess(try catalogue(temporary, ["csv-tool"]), in: temporary.path)
        let idle = try #require(Nginx.connection(toPort: server.port))
        defer { close(idle) }
        _ = send(idle, "GET /index.json HTTP/1.1\r\n", 26, 0)  // and never the end of the head
        #expect(try RawResponse.get(server.port, "/keys.json").status == 200)
    }

    @Test(.timeLimit(.minutes(1)), arguments: [SIGTERM, SIGINT]) func stopsCleanlyOnASignal(_ signal: Int32) throws {
        let temporary = try TemporaryDirectory()
        let server = try ServeProcess(try catalogue(temporary, ["csv-tool"]), in: temporary.path)
        #expect(try RawResponse.get(server.port, "/index.json").status == 200)
        #expect(server.stop(with: signal))
        #expect(server.process.terminationReason == .exit && server.process.terminationStatus == 0)
        #expect(server.log.hasSuffix(" stopped\n"), "\(server.log)")
        #expect(!Nginx.accepts(port: server.port))
    }

    /// The listening address from /proc/net/tcp: 127.0.0.1 unless --host says otherwise.
    func listeningAddress(port: Int) throws -> String? {
        let table = try String(contentsOfFile: "/proc/net/tcp", encoding: .utf8)
        let suffix = ":" + String(format: "%04X", port)
        for line in table.split(separator: "\n").dropFirst() {
            let fields = line.split(separator: " ")
            if fields.count > 3, fields[1].hasSuffix(suffix), fields[3] == "0A" { return String(fields[1].dropLast(suffix.count)) }
        }
        return nil
    }

    @Test(.timeLimit(.minutes(1))) func loopbackUnlessTold() throws {
        let temporary = try TemporaryDirectory()
        let catalogue = try catalogue(temporary, ["csv-tool"])
        let local = try ServeProcess(catalogue, in: temporary.path)
        #expect(try listeningAddress(port: local.port) == "0100007F")
        // Requests are served (and logged) only after any warning has been written.
        #expect(try RawResponse.get(local.port, "/index.json").status == 200)
        #expect(local.logged("GET /index.json") && !local.log.contains("warning"))
        let open = try ServeProcess(catalogue, in: temporary.path, extra: ["--host", "0.0.0.0"])
        #expect(try listeningAddress(port: open.port) == "00000000")
        #expect(open.logged("warning: listening on 0.0.0.0"))
    }

    @Test func helpHasExamples() throws {
        let help = try CLI(home: try TemporaryDirectory().path).run(["market", "serve", "--help"])
        #expect(help.stdout.contains("EXAMPLES") && help.stdout.contains("--host"))
    }
}

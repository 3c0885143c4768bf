#if canImport(Glibc)
import Glibc
#endif
import Foundation
import MementoCore

/// A static file server for one catalogue folder, for local use (`memento market serve`).
///
/// GET and HEAD of regular files inside the folder, with single byte ranges (the downloader
/// resumes with `Range: bytes=N-`); one request per connection, on its own thread, at most
/// `maximumConnections` at once. A path is opened one component at a time with O_NOFOLLOW from a
/// descriptor of the folder, so neither `..` (refused before that) nor a symlink anywhere can lead
/// outside it; directories and hidden files are never served and nothing is listed.
public final class CatalogueServer: Sendable {
    public static let maximumConnections = 64
    /// A client that sends nothing (or stops reading) for this long loses its connection, so idle
    /// connections cannot hold every slot.
    static let idleSeconds = 30
    /// On a stop, transfers in progress get this long to finish.
    static let drainSeconds = 5.0

    /// What to add as a source: `http://HOST:PORT/`.
    public let url: String
    public let isLoopback: Bool
    let root: Int32
    let listener: Int32
    let wake: (read: Int32, write: Int32)
    let log: @Sendable (String) -> Void
    let connections = DispatchGroup()
    let slots = DispatchSemaphore(value: CatalogueServer.maximumConnections)

    /// Binds `host:port` (port 0 picks a free one) and opens `directory`; serving starts with `run`.
    /// `log` gets one line per request (and on stopping), prefixed with the time.
    public init(directory: String, host: String, port: Int, log: @escaping @Sendable (String) -> Void) throws(MarketError) {
        let folder = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard folder >= 0 else {
            throw .io("cannot serve \(directory): \(Posix.errorText(errno)); give the catalogue folder (the --catalog of `memento market build`)")
        }
        var hints = addrinfo()
        hints.ai_flags = AI_PASSIVE
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var found: UnsafeMutablePointer<addrinfo>?
        let resolved = getaddrinfo(host, String(port), &hints, &found)
        guard resolved == 0, let address = found else {
            close(folder)
            throw .io("cannot listen on '\(host)': \(String(cString: gai_strerror(resolved))); give an address such as 127.0.0.1 or ::1 with --host")
        }
        defer { freeaddrinfo(found) }
        let socketFD = socket(address.pointee.ai_family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        var one: Int32 = 1
        setsockopt(socketFD, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var pipeEnds: [Int32] = [-1, -1]
        guard socketFD >= 0, bind(socketFD, address.pointee.ai_addr, address.pointee.ai_addrlen) == 0, listen(socketFD, 128) == 0,
              pipe(&pipeEnds) == 0
        else {
            let code = errno
            if socketFD >= 0 { close(socketFD) }
            close(folder)
            let hint = code == EADDRINUSE ? "the port is taken; choose another --port (0 picks a free one)"
                : code == EACCES ? "ports below 1024 need privileges; choose --port 8080 or another above 1024"
                : "check --host and --port"
            throw .io("cannot listen on \(host):\(port): \(Posix.errorText(code)); \(hint)")
        }
        for end in pipeEnds { _ = fcntl(end, F_SETFD, FD_CLOEXEC) }
        var bound = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        _ = withUnsafeMutablePointer(to: &bound) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(socketFD, $0, &length) } }
        let (numeric, boundPort, loopback, wildcard) = CatalogueServer.describe(bound)
        // A wildcard address is reached from this machine through loopback: that is the URL to add here.
        let shown = wildcard ? (bound.ss_family == sa_family_t(AF_INET6) ? "[::1]" : "127.0.0.1") : numeric.contains(":") ? "[\(numeric)]" : numeric
        url = "http://\(shown):\(boundPort)/"
        isLoopback = loopback
        root = folder
        listener = socketFD
        wake = (pipeEnds[0], pipeEnds[1])
        self.log = { line in log("\(Timestamp.format(Date())) \(line)") }
    }

    deinit {
        for descriptor in [root, listener, wake.read, wake.write] { close(descriptor) }
    }

    /// Numeric host, port, and whether the address is loopback or a wildcard.
    static func describe(_ address: sockaddr_storage) -> (host: String, port: Int, loopback: Bool, wildcard: Bool) {
        var copy = address
        return withUnsafePointer(to: &copy) { pointer in
            if address.ss_family == sa_family_t(AF_INET6) {
                let ipv6 = pointer.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { $0.pointee }
                let bytes = withUnsafeBytes(of: ipv6.sin6_addr) { Array($0) }
                var text = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
                var raw = ipv6.sin6_addr
                inet_ntop(AF_INET6, &raw, &text, socklen_t(text.count))
                let loopback = bytes == Array(repeating: 0, count: 15) + [1]
                let mappedLoopback = bytes.prefix(12) == [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF] && bytes[12] == 127
                return (CatalogueServer.string(text), Int(UInt16(bigEndian: ipv6.sin6_port)), loopback || mappedLoopback, bytes.allSatisfy { $0 == 0 })
            }
            let ipv4 = pointer.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { $0.pointee }
            let value = UInt32(bigEndian: ipv4.sin_addr.s_addr)
            var text = [CChar](repeating: 0, count: Int(INET_ADDRSTRLEN))
            var raw = ipv4.sin_addr
            inet_ntop(AF_INET, &raw, &text, socklen_t(text.count))
            return (CatalogueServer.string(text), Int(UInt16(bigEndian: ipv4.sin_port)), value >> 24 == 127, value == 0)
        }
    }

    /// A NUL-terminated C buffer as text.
    static func string(_ buffer: [CChar]) -> String {
        String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// The write end of the running server's wake pipe, for the signal handler, which can capture
    /// nothing; only a descriptor number is read there, and `write` is async-signal-safe.
    nonisolated(unsafe) static var signalWake: Int32 = -1

    /// Serves until SIGINT or SIGTERM (or `stop`), then lets transfers in progress finish for up
    /// to `drainSeconds` before returning.
    public func run() {
        signal(SIGPIPE, SIG_IGN)
        CatalogueServer.signalWake = wake.write
        var action = sigaction()
        action.__sigaction_handler.sa_handler = { _ in
            var byte: UInt8 = 1
            _ = write(CatalogueServer.signalWake, &byte, 1)
        }
        var stopping = sigset_t()
        sigemptyset(&stopping)
        for stop in [SIGINT, SIGTERM] {
            sigaction(stop, &action, nil)
            sigaddset(&stopping, stop)
        }
        // A process started from a thread that blocks signals inherits that mask across exec.
        pthread_sigmask(SIG_UNBLOCK, &stopping, nil)
        acceptConnections()
        if connections.wait(timeout: .now() + CatalogueServer.drainSeconds) == .timedOut {
            log("stopped with transfers still in progress")
        } else {
            log("stopped")
        }
    }

    public func stop() {
        var byte: UInt8 = 1
        _ = write(wake.write, &byte, 1)
    }

    func acceptConnections() {
        while true {
            var watched = [pollfd(fd: listener, events: Int16(POLLIN), revents: 0), pollfd(fd: wake.read, events: Int16(POLLIN), revents: 0)]
            if poll(&watched, 2, -1) < 0 {
                if errno == EINTR { continue }
                log("stopped: poll failed: \(Posix.errorText(errno))")
                return
            }
            if watched[1].revents != 0 { return }
            // Every slot busy: leave the connection in the backlog, and look at the wake pipe again.
            guard slots.wait(timeout: .now() + 1) == .success else { continue }
            var peer = sockaddr_storage()
            var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
            let client = withUnsafeMutablePointer(to: &peer) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { accept(listener, $0, &length) } }
            guard client >= 0 else {
                let code = errno
                slots.signal()
                // Out of descriptors or memory: pause rather than spin on a connection that stays queued.
                if code != EINTR && code != ECONNABORTED && code != EAGAIN {
                    log("cannot accept a connection: \(Posix.errorText(code))")
                    Thread.sleep(forTimeInterval: 0.1)
                }
                continue
            }
            _ = fcntl(client, F_SETFD, FD_CLOEXEC)
            var timeout = timeval(tv_sec: CatalogueServer.idleSeconds, tv_usec: 0)
            for option in [SO_RCVTIMEO, SO_SNDTIMEO] { setsockopt(client, SOL_SOCKET, option, &timeout, socklen_t(MemoryLayout<timeval>.size)) }
            let address = CatalogueServer.describe(peer).host
            connections.enter()
            Thread { [self] in
                defer {
                    close(client)
                    slots.signal()
                    connections.leave()
                }
                serve(client, peer: address)
            }.start()
        }
    }

    func serve(_ client: Int32, peer: String) {
        let request: HTTPRequestHead
        switch HTTPRequestHead.read(from: client) {
        case .request(let head): request = head
        case .closed: return  // a port probe, or a client that gave up: nothing to answer
        case .malformed:
            let sent = send(client, Response(status: 400), head: false)
            log("\(peer) (no valid request head) 400 \(sent)")
            return
        }
        let response: Response
        if request.method != "GET" && request.method != "HEAD" {
            response = Response(status: 405, headers: [("Allow", "GET, HEAD")])
        } else {
            switch resolve(request.target) {
            case .refused(let status): response = Response(status: status)
            case .file(let file, let size):
                response = CatalogueServer.fileResponse(file, size: size, range: request.header("range"), type: CatalogueServer.contentType(request.target))
            }
        }
        let sent = send(client, response, head: request.method == "HEAD")
        if case .file(let file, _, _) = response.body { close(file) }
        log("\(peer) \"\(request.method) \(request.printableTarget)\" \(response.status) \(sent)")
    }

    /// A regular file inside the folder, or the status refusing the path: 400 for a malformed or
    /// escaping path, 404 for anything else that is not a visible regular file, symlinks included.
    enum Resolution {
        case file(Int32, size: Int64)
        case refused(Int)
    }

    func resolve(_ target: String) -> Resolution {
        let path = target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)[0]
        guard path.hasPrefix("/"), let bytes = CatalogueServer.percentDecoded(path), !bytes.contains(0) else { return .refused(400) }
        let segments = bytes.split(separator: UInt8(ascii: "/")).map(Array.init)
        if segments.contains([UInt8(ascii: ".")]) || segments.contains([UInt8(ascii: "."), UInt8(ascii: ".")]) { return .refused(400) }
        // Hidden names are never part of a catalogue; the builder's temporary files start with a dot.
        guard let last = segments.last, !segments.contains(where: { $0.first == UInt8(ascii: ".") }) else { return .refused(404) }
        var directory = root
        defer { if directory != root { close(directory) } }
        for segment in segments.dropLast() {
            let next = openat(directory, segment.map { CChar(bitPattern: $0) } + [0], O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
            guard next >= 0 else { return .refused(404) }
            if directory != root { close(directory) }
            directory = next
        }
        // O_NONBLOCK: opening a FIFO placed in the folder must not hang the connection.
        let file = openat(directory, last.map { CChar(bitPattern: $0) } + [0], O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK)
        guard file >= 0 else { return .refused(404) }
        var info = stat()
        guard fstat(file, &info) == 0, info.st_mode & S_IFMT == S_IFREG else {
            close(file)
            return .refused(404)
        }
        return .file(file, size: Int64(info.st_size))
    }

    static func percentDecoded(_ text: Substring) -> [UInt8]? {
        func hex(_ byte: UInt8) -> UInt8? {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
            default: return nil
            }
        }
        let bytes = Array(text.utf8)
        var decoded: [UInt8] = []
        var position = 0
        while position < bytes.count {
            guard bytes[position] == UInt8(ascii: "%") else {
                decoded.append(bytes[position])
                position += 1
                continue
            }
            guard position + 2 < bytes.count, let high = hex(bytes[position + 1]), let low = hex(bytes[position + 2]) else { return nil }
            decoded.append(high << 4 | low)
            position += 3
        }
        return decoded
    }

    static func contentType(_ target: String) -> String {
        let path = target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)[0]
        if path.hasSuffix(".json") || path.hasSuffix(".sig") { return "application/json" }
        if path.hasSuffix(".skill") { return "application/zip" }
        return "application/octet-stream"
    }

    /// 200 with the whole file, 206 with the one range asked for, or 416 when it starts past the
    /// end. A Range this server does not handle (several ranges, another unit, bad syntax) is
    /// ignored and the whole file sent, as RFC 9110 allows.
    static func fileResponse(_ file: Int32, size: Int64, range: String?, type: String) -> Response {
        let common = [("Accept-Ranges", "bytes"), ("Content-Type", type)]
        guard let range, let (first, last) = byteRange(range, size: size) else {
            return Response(status: 200, headers: common, body: .file(file, offset: 0, length: size))
        }
        guard first < size, first <= last else {
            close(file)
            return Response(status: 416, headers: [("Content-Range", "bytes */\(size)")])
        }
        let end = min(last, size - 1)
        return Response(status: 206, headers: common + [("Content-Range", "bytes \(first)-\(end)/\(size)")],
                        body: .file(file, offset: first, length: end - first + 1))
    }

    /// `bytes=N-`, `bytes=N-M` or `bytes=-N` (the last N bytes) as first and last offsets; nil for
    /// anything else. A suffix longer than the file is the whole file; an empty one is unsatisfiable.
    static func byteRange(_ header: String, size: Int64) -> (Int64, Int64)? {
        let value = header.trimmingCharacters(in: .whitespaces)
        guard value.hasPrefix("bytes="), !value.contains(",") else { return nil }
        let parts = value.dropFirst(6).split(separator: "-", maxSplits: 1, omittingEmptySubsequences: false)
        func number(_ text: Substring) -> Int64? { text.allSatisfy(\.isASCIIDigit) ? Int64(text) : nil }
        guard parts.count == 2 else { return nil }
        if parts[0].isEmpty {
            guard let suffix = number(parts[1]) else { return nil }
            return suffix == 0 ? (size, size) : (max(0, size - suffix), size - 1)
        }
        guard let first = number(parts[0]) else { return nil }
        if parts[1].isEmpty { return (first, size - 1) }
        guard let last = number(parts[1]), last >= first else { return nil }
        return (first, last)
    }

    struct Response {
        enum Body {
            case text(String)
            case file(Int32, offset: Int64, length: Int64)
        }

        let status: Int
        let headers: [(String, String)]
        /// An error status gets its reason as a short text body.
        let body: Body

        init(status: Int, headers: [(String, String)] = [], body: Body? = nil) {
            self.status = status
            self.headers = headers
            self.body = body ?? .text("\(status) \(Response.reason(status))\n")
        }

        static func reason(_ status: Int) -> String {
            switch status {
            case 200: return "OK"
            case 206: return "Partial Content"
            case 400: return "Bad Request"
            case 404: return "Not Found"
            case 405: return "Method Not Allowed"
            case 416: return "Range Not Satisfiable"
            default: return "Error"
            }
        }

        var length: Int64 {
            switch body {
            case .text(let text): return Int64(text.utf8.count)
            case .file(_, _, let length): return length
            }
        }
    }

    /// Writes the response; returns the body bytes sent (0 for HEAD), fewer if the client left.
    func send(_ client: Int32, _ response: Response, head: Bool) -> Int64 {
        var lines = ["HTTP/1.1 \(response.status) \(Response.reason(response.status))"]
        if case .text = response.body { lines.append("Content-Type: text/plain; charset=utf-8") }
        lines += response.headers.map { "\($0.0): \($0.1)" }
        lines += ["Content-Length: \(response.length)", "Connection: close", "", ""]
        guard CatalogueServer.sendAll(client, Array(lines.joined(separator: "\r\n").utf8)) else { return 0 }
        if head { return 0 }
        switch response.body {
        case .text(let text):
            return CatalogueServer.sendAll(client, Array(text.utf8)) ? Int64(text.utf8.count) : 0
        case .file(let file, let offset, let length):
            var buffer = [UInt8](repeating: 0, count: 1 << 16)
            var sent: Int64 = 0
            while sent < length {
                let count = buffer.withUnsafeMutableBytes { pread(file, $0.baseAddress, min($0.count, Int(length - sent)), off_t(offset + sent)) }
                if count < 0 && errno == EINTR { continue }
                // The file shrank under us: stop short, and the client sees a truncated transfer.
                guard count > 0, CatalogueServer.sendAll(client, Array(buffer[0..<count])) else { return sent }
                sent += Int64(count)
            }
            return sent
        }
    }

    static func sendAll(_ client: Int32, _ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { buffer in
                buffer.baseAddress.map { Glibc.send(client, $0 + offset, buffer.count - offset, Int32(MSG_NOSIGNAL)) } ?? -1
            }
            if written < 0 && errno == EINTR { continue }
            guard written > 0 else { return false }
            offset += written
        }
        return true
    }
}

/// The request line and headers of one HTTP/1.x request.
struct HTTPRequestHead {
    static let limit = 16 << 10

    let method: String
    let target: String
    let headers: [(name: String, value: String)]

    func header(_ name: String) -> String? { headers.first { $0.name.lowercased() == name }?.value }

    /// The target as it may be logged: no control characters, at most 200 characters.
    var printableTarget: String {
        String(String(target.unicodeScalars.map { $0.isASCII && $0.value >= 0x20 && $0.value < 0x7F ? Character($0) : "?" }).prefix(200))
    }

    enum Outcome {
        case request(HTTPRequestHead)
        /// Closed (or timed out) before sending a byte.
        case closed
        /// Cut short, over `limit` bytes, or not an HTTP/1.x request line.
        case malformed
    }

    /// Reads up to the blank line that ends the head.
    static func read(from client: Int32) -> Outcome {
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        let end: [UInt8] = Array("\r\n\r\n".utf8)
        while true {
            let count = buffer.withUnsafeMutableBytes { recv(client, $0.baseAddress, $0.count, 0) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { return received.isEmpty ? .closed : .malformed }
            let searchFrom = max(0, received.count - 3)
            received += buffer[0..<count]
            if let range = received[searchFrom...].firstRange(of: end) {
                return parse(Array(received[..<range.lowerBound])).map(Outcome.request) ?? .malformed
            }
            guard received.count < limit else { return .malformed }
        }
    }

    static func parse(_ head: [UInt8]) -> HTTPRequestHead? {
        let lines = String(decoding: head, as: UTF8.self).components(separatedBy: "\r\n")
        let parts = lines[0].split(separator: " ", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[2].hasPrefix("HTTP/1."), !parts[0].isEmpty else { return nil }
        let headers = lines.dropFirst().compactMap { line -> (name: String, value: String)? in
            guard let colon = line.firstIndex(of: ":") else { return nil }
            return (String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
        }
        return HTTPRequestHead(method: String(parts[0]), target: String(parts[1]), headers: headers)
    }
}

import Foundation
import MementoCore

/// A real nginx serving a directory on 127.0.0.1, started and stopped by the test.
/// Requests under /archives/ answer 500 while `failFlag` exists, and are rate-limited to `rate`.
/// `locations` adds server-level directives (more `location` blocks) for a test's own routes.
public final class Nginx {
    public let port: Int
    public let directory: String
    public let failFlag: String
    private let process: Process

    public init(serving root: String, rate: String = "0", locations: String = "") throws {
        directory = try FileSystem.makeTemporaryDirectory(prefix: "memento-nginx")
        failFlag = directory + "/fail"
        port = try Nginx.freePort()
        for folder in ["tmp", "logs"] { try FileManager.default.createDirectory(atPath: directory + "/" + folder, withIntermediateDirectories: true) }
        let configuration = """
            daemon off;
            master_process off;
            worker_processes 1;
            pid \(directory)/nginx.pid;
            error_log \(directory)/logs/error.log;
            events { worker_connections 64; }
            http {
              access_log off;
              client_body_temp_path \(directory)/tmp/body;
              proxy_temp_path \(directory)/tmp/proxy;
              fastcgi_temp_path \(directory)/tmp/fastcgi;
              uwsgi_temp_path \(directory)/tmp/uwsgi;
              scgi_temp_path \(directory)/tmp/scgi;
              server {
                listen 127.0.0.1:\(port);
                root \(root);
                location /archives/ {
                  if (-f \(failFlag)) { return 500; }
                  limit_rate \(rate);
                }
                \(locations)
              }
            }
            """
        try Data(configuration.utf8).write(to: URL(fileURLWithPath: directory + "/nginx.conf"))
        process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/sbin/nginx")
        process.arguments = ["-c", directory + "/nginx.conf", "-p", directory]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        // Bounded wait for the port to accept connections.
        for _ in 0..<100 {
            if Nginx.accepts(port: port) { return }
            Thread.sleep(forTimeInterval: 0.05)
        }
        kill(process.processIdentifier, SIGKILL)
        throw FileSystemError("start nginx on port \(port); see", directory + "/logs/error.log", code: ETIMEDOUT)
    }

    public var url: URL { URL(string: "http://127.0.0.1:\(port)/")! }

    public func failing(_ on: Bool) throws {
        if on { try Data().write(to: URL(fileURLWithPath: failFlag)) } else { try? FileManager.default.removeItem(atPath: failFlag) }
    }

    deinit {
        // SIGKILL, not SIGTERM: a child spawned from a dispatch thread inherits a mask that blocks
        // every catchable signal, and a test server has nothing to save.
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        try? FileSystem.removeTree(directory)
    }

    public static func freePort() throws -> Int {
        let (socketFD, port) = try boundSocket()
        close(socketFD)
        return port
    }

    /// A TCP socket bound to 127.0.0.1 on a port the kernel chose, for the caller to close.
    public static func boundSocket() throws -> (fd: Int32, port: Int) {
        let socketFD = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(socketFD, $0, length) } }
        guard bound == 0 else {
            close(socketFD)
            throw FileSystemError("bind", "127.0.0.1:0")
        }
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(socketFD, $0, &length) } }
        return (socketFD, Int(UInt16(bigEndian: address.sin_port)))
    }

    public static func accepts(port: Int) -> Bool {
        guard let socketFD = connection(toPort: port) else { return false }
        close(socketFD)
        return true
    }

    /// A TCP connection to 127.0.0.1:`port`, for the caller to close; nil when nothing listens.
    public static func connection(toPort port: Int) -> Int32? {
        let socketFD = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(socketFD, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else {
            close(socketFD)
            return nil
        }
        return socketFD
    }
}

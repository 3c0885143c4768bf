import Foundation
import MementoCore

/// Fetches catalogue files and archives. `file://` reads the disk directly, so the built-in
/// catalogue works with no server and no network.
public struct Fetcher: Sendable {
    public init() {}

    /// A small file (an index, a key set, a signature), refused past `limit` bytes.
    public func fetch(_ url: URL, limit: Int64) throws(MarketError) -> Data {
        guard url.isFileURL else { throw .fetch(url: url.absoluteString, reason: "only file:// sources are supported by this build") }
        guard let info = FileSystem.linkStatus(url.path) else { throw .fetch(url: url.absoluteString, reason: "no such file") }
        guard Int64(info.st_size) <= limit else { throw .fetch(url: url.absoluteString, reason: "larger than \(limit) bytes") }
        guard let data = FileManager.default.contents(atPath: url.path) else { throw .fetch(url: url.absoluteString, reason: "unreadable") }
        return data
    }

    /// Copies an archive to `path`, never writing more than `expectedSize` bytes.
    public func download(_ url: URL, to path: String, expectedSize: Int64, progress: ((Int64, Int64) -> Void)?) throws(MarketError) {
        guard url.isFileURL else { throw .fetch(url: url.absoluteString, reason: "only file:// sources are supported by this build") }
        do {
            let source = try FileDescriptor.open(url.path, .readOnlyNoFollow)
            defer { source.close() }
            let target = try FileDescriptor.open(path, .createExclusive(permissions: 0o600))
            defer { target.close() }
            var written: Int64 = 0
            try source.readChunks { chunk in
                written += Int64(chunk.count)
                if written > expectedSize { throw MarketError.sizeMismatch(url: url.absoluteString, expected: expectedSize, actual: written) }
                try target.write(chunk)
                progress?(written, expectedSize)
            }
            if written != expectedSize { throw MarketError.sizeMismatch(url: url.absoluteString, expected: expectedSize, actual: written) }
        } catch let error as MarketError {
            try? FileSystem.unlink(path)
            throw error
        } catch {
            try? FileSystem.unlink(path)
            throw .fetch(url: url.absoluteString, reason: "\(error)")
        }
    }
}

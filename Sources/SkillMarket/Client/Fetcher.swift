import Foundation
import MementoCore

/// Fetches catalogue files and archives: `file://` reads the disk directly, so the built-in
/// catalogue works with no server and no network; `http://` and `https://` go through libcurl.
public struct Fetcher: Sendable {
    let http: HTTPDownloader

    public init() { http = HTTPDownloader() }

    /// For tests: fewer and faster retries.
    public init(attempts: Int, backoff: TimeInterval) { http = HTTPDownloader(attempts: attempts, backoff: backoff) }

    /// A small file (an index, a key set, a signature), refused past `limit` bytes.
    public func fetch(_ url: URL, limit: Int64) throws(MarketError) -> Data {
        if !url.isFileURL { return try http.fetch(url, limit: limit) }
        guard let info = FileSystem.linkStatus(url.path) else { throw .fetch(url: url.absoluteString, reason: "no such file") }
        guard Int64(info.st_size) <= limit else { throw .fetch(url: url.absoluteString, reason: "larger than \(limit) bytes") }
        guard let data = FileManager.default.contents(atPath: url.path) else { throw .fetch(url: url.absoluteString, reason: "unreadable") }
        return data
    }

    /// Fetches an archive to `path`, never writing more than `expectedSize` bytes. Over HTTP the
    /// bytes land in `partial` first, so an interrupted download resumes where it stopped.
    public func download(_ url: URL, to path: String, partial: String, expectedSize: Int64,
                         progress: ((Int64, Int64) -> Void)?) throws(MarketError)
    {
        if !url.isFileURL {
            return try http.download(url, partial: partial, to: path, expectedSize: expectedSize, progress: progress)
        }
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

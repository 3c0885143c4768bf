import CCurlShims
import Foundation
import MementoCore

/// HTTP(S) over libcurl: bounded reads, resumable downloads, retries with backoff on 5xx and
/// connection errors, and the size from the signed index enforced while bytes arrive.
struct HTTPDownloader: Sendable {
    var attempts = 4
    var backoff: TimeInterval = 0.25
    var connectTimeout = 10
    var stallTimeout = 20

    /// Accumulates or writes the body and enforces the byte limit; shared with the C callbacks.
    private final class Sink {
        let limit: Int64
        var received: Int64 = 0
        var buffer = Data()
        var file: FileDescriptor?
        var overflow = false
        var writeError: FileSystemError?
        var progress: ((Int64, Int64) -> Void)?
        var offset: Int64 = 0

        init(limit: Int64) { self.limit = limit }
    }

    /// The status and reason of the last attempt, for retry decisions and messages.
    private struct Attempt {
        let status: Int
        let curlCode: Int32
        let message: String
        var succeeded: Bool { curlCode == 0 && (200..<300).contains(status) }
        /// Worth another try: the server failed (5xx) or the connection did.
        var retryable: Bool { status >= 500 || (curlCode != 0 && status == 0) || curlCode == 18 /* partial file */ }
    }

    private func perform(_ url: URL, resumeFrom: Int64, sink: Sink) -> Attempt {
        var result = memento_http_result()
        let context = Unmanaged.passUnretained(sink).toOpaque()
        let code = memento_http_get(url.absoluteString, resumeFrom, connectTimeout, stallTimeout, { context, data, length in
            guard let context, let data else { return 1 }
            let sink = Unmanaged<Sink>.fromOpaque(context).takeUnretainedValue()
            sink.received += Int64(length)
            if sink.offset + sink.received > sink.limit {
                sink.overflow = true
                return 1
            }
            let chunk = UnsafeRawBufferPointer(start: data, count: length)
            if let file = sink.file {
                do throws(FileSystemError) { try file.write(chunk) } catch {
                    sink.writeError = error
                    return 1
                }
            } else {
                sink.buffer.append(contentsOf: chunk)
            }
            return 0
        }, { context, received, total in
            guard let context else { return 0 }
            let sink = Unmanaged<Sink>.fromOpaque(context).takeUnretainedValue()
            sink.progress?(sink.offset + received, sink.limit)
            return 0
        }, context, &result)
        let message = withUnsafeBytes(of: result.error) { raw in
            String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
        }
        return Attempt(status: Int(result.status), curlCode: code, message: message)
    }

    private func pause(_ attempt: Int) {
        Thread.sleep(forTimeInterval: backoff * pow(2, Double(attempt)))
    }

    func fetch(_ url: URL, limit: Int64) throws(MarketError) -> Data {
        var last: Attempt?
        for attempt in 0..<attempts {
            let sink = Sink(limit: limit)
            let outcome = perform(url, resumeFrom: 0, sink: sink)
            if sink.overflow { throw .fetch(url: url.absoluteString, reason: "larger than \(limit) bytes") }
            if outcome.succeeded { return sink.buffer }
            last = outcome
            guard outcome.retryable, attempt + 1 < attempts else { break }
            pause(attempt)
        }
        throw .fetch(url: url.absoluteString, reason: HTTPDownloader.describe(last))
    }

    /// Downloads into `partial`, resuming from what is already there, then renames it to `path`.
    /// A partial file survives an interruption so the next attempt (or the next run) continues.
    func download(_ url: URL, partial: String, to path: String, expectedSize: Int64,
                  progress: ((Int64, Int64) -> Void)?) throws(MarketError)
    {
        var last: Attempt?
        for attempt in 0..<attempts {
            var offset = Int64(FileSystem.linkStatus(partial)?.st_size ?? 0)
            if offset > expectedSize {
                try? FileSystem.unlink(partial)
                offset = 0
            }
            if offset < expectedSize || expectedSize == 0 {
                let file: FileDescriptor
                do { file = try FileDescriptor.open(partial, .append(permissions: 0o600)) } catch { throw .io("\(error)") }
                let sink = Sink(limit: expectedSize)
                sink.file = file
                sink.offset = offset
                sink.progress = progress
                let outcome = perform(url, resumeFrom: offset, sink: sink)
                file.close()
                if sink.overflow {
                    try? FileSystem.unlink(partial)
                    throw .sizeMismatch(url: url.absoluteString, expected: expectedSize, actual: offset + sink.received)
                }
                if let error = sink.writeError { throw .io("\(error)") }
                if outcome.status == 200 && offset > 0 {
                    // The server ignored the Range header and sent the whole file again.
                    try? FileSystem.unlink(partial)
                    last = outcome
                    continue
                }
                if !outcome.succeeded {
                    last = outcome
                    guard outcome.retryable, attempt + 1 < attempts else { break }
                    pause(attempt)
                    continue
                }
            }
            let size = Int64(FileSystem.linkStatus(partial)?.st_size ?? 0)
            guard size == expectedSize else {
                last = Attempt(status: 0, curlCode: 18, message: "the transfer ended after \(size) of \(expectedSize) bytes")
                guard attempt + 1 < attempts else { break }
                pause(attempt)
                continue
            }
            do { try FileSystem.rename(partial, to: path) } catch { throw .io("\(error)") }
            return
        }
        throw .fetch(url: url.absoluteString, reason: HTTPDownloader.describe(last) + "; the partial download is kept and the next attempt resumes it")
    }

    private static func describe(_ attempt: Attempt?) -> String {
        guard let attempt else { return "no attempt was made" }
        if attempt.curlCode != 0 { return attempt.message.isEmpty ? "libcurl error \(attempt.curlCode)" : attempt.message }
        return "the server answered HTTP \(attempt.status)"
    }
}

import Crypto
import Foundation

/// SHA-256, as lowercase hex, the form every store path, lockfile and index uses.
public enum SHA256Hex {
    public static func of(_ data: some DataProtocol) -> String {
        hex(SHA256.hash(data: data))
    }

    public static func of(_ buffer: UnsafeRawBufferPointer) -> String {
        hex(SHA256.hash(data: buffer))
    }

    /// Hashes a file by streaming it, so a large archive is never held in memory.
    public static func ofFile(atPath path: String) throws(FileSystemError) -> String {
        let file = try FileDescriptor.open(path, .readOnly)
        defer { file.close() }
        return try ofFile(file)
    }

    public static func ofFile(_ file: FileDescriptor) throws(FileSystemError) -> String {
        var hasher = SHA256()
        try file.readChunksOnly { chunk in hasher.update(bufferPointer: chunk) }
        return hex(hasher.finalize())
    }

    public static func hex(_ digest: some Sequence<UInt8>) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(64)
        for byte in digest {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    public static func isValid(_ text: String) -> Bool {
        text.utf8.count == 64 && text.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
    }
}

/// Incremental SHA-256 for data that arrives in chunks.
public struct SHA256Stream {
    private var hasher = SHA256()

    public init() {}

    public mutating func update(_ chunk: UnsafeRawBufferPointer) {
        hasher.update(bufferPointer: chunk)
    }

    public func finalize() -> String {
        SHA256Hex.hex(hasher.finalize())
    }
}

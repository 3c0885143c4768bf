#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import Synchronization
import Testing

@testable import MementoCore

/// A fresh directory under the system temporary directory, removed by `removeTree` afterwards.
private func withScratch(_ body: (String) throws -> Void) throws {
    let path = NSTemporaryDirectory() + "memento-fs-\(UUID().uuidString)"
    try FileSystem.makeDirectories(path)
    defer { try? FileSystem.removeTree(path) }
    try body(path)
}

private func contents(_ path: String) throws -> [UInt8] {
    let file = try FileDescriptor.open(path, .readOnly)
    defer { file.close() }
    return try file.readAll()
}

@Suite("FileSystem")
struct FileSystemTests {
    @Test("writeAtomically creates, replaces, applies permissions and leaves no temp file")
    func writeAtomically() throws {
        try withScratch { root in
            let path = root + "/file.json"
            try FileSystem.writeAtomically(Data("first".utf8), to: path)
            #expect(try contents(path) == Array("first".utf8))
            try FileSystem.writeAtomically(Array("second, longer".utf8), to: path, permissions: 0o600)
            #expect(try contents(path) == Array("second, longer".utf8))
            #expect(FileSystem.linkStatus(path).map { $0.st_mode & 0o777 } == 0o600)
            try FileSystem.writeAtomically(Data(), to: path)
            #expect(try contents(path).isEmpty)
            #expect(try FileSystem.entries(of: root) == ["file.json"])
        }
    }

    @Test("writeAtomically with a bare file name writes in the current directory")
    func writeAtomicallyRelative() throws {
        let name = "memento-relative-\(UUID().uuidString).txt"
        defer { try? FileSystem.removeTree(name) }
        try FileSystem.writeAtomically(Data("here".utf8), to: name)
        #expect(try contents(FileManager.default.currentDirectoryPath + "/" + name) == Array("here".utf8))
        #expect(!FileSystem.exists("/.\(name).tmp-\(getpid())"))
    }

    @Test("writeAtomically into a missing directory fails and names the path")
    func writeAtomicallyFailure() throws {
        try withScratch { root in
            #expect {
                try FileSystem.writeAtomically(Data("x".utf8), to: root + "/absent/file")
            } throws: { error in
                guard let error = error as? FileSystemError else { return false }
                return error.code == ENOENT && error.path.hasPrefix(root + "/absent/") && error.description.contains("cannot open")
            }
        }
    }

    @Test("writeAtomically over a directory fails and removes its temp file")
    func writeAtomicallyOverDirectory() throws {
        try withScratch { root in
            try FileSystem.makeDirectory(root + "/target")
            #expect(throws: FileSystemError.self) { try FileSystem.writeAtomically(Data("x".utf8), to: root + "/target") }
            #expect(try FileSystem.entries(of: root) == ["target"])
        }
    }

    @Test("writeAtomically replaces a symlink rather than writing through it")
    func writeAtomicallyOverSymlink() throws {
        try withScratch { root in
            try FileSystem.writeAtomically(Data("original".utf8), to: root + "/real")
            try FileSystem.symlink(target: "real", at: root + "/link")
            try FileSystem.writeAtomically(Data("new".utf8), to: root + "/link")
            #expect(!FileSystem.isSymlink(root + "/link"))
            #expect(try contents(root + "/real") == Array("original".utf8))
            #expect(try contents(root + "/link") == Array("new".utf8))
        }
    }

    @Test("concurrent writers to one path never share a temp file")
    func writeAtomicallyConcurrently() throws {
        try withScratch { root in
            let path = root + "/shared"
            let payloads = (0..<8).map { index in [UInt8](repeating: UInt8(ascii: "a") + UInt8(index), count: 64 * 1024) }
            let failures = Mutex<[String]>([])
            DispatchQueue.concurrentPerform(iterations: 200) { index in
                do {
                    try FileSystem.writeAtomically(payloads[index % payloads.count], to: path)
                } catch {
                    failures.withLock { $0.append("\(error)") }
                }
            }
            let recorded = failures.withLock { $0 }
            let final = try contents(path)
            let names = try FileSystem.entries(of: root)
            #expect(recorded.isEmpty, "\(recorded.prefix(3))")
            #expect(payloads.contains(final))
            #expect(names == ["shared"])
        }
    }

    @Test("removeEntries removes every entry not kept, and nothing when the folder is missing")
    func removeEntries() throws {
        try withScratch { root in
            for name in ["keep.json", "drop.json", "drop"] { try FileSystem.writeAtomically(Data(name.utf8), to: root + "/" + name) }
            try FileSystem.removeEntries(of: root, except: ["keep.json", "not-there.json"])
            #expect(try FileSystem.entries(of: root) == ["keep.json"])
            #expect(try contents(root + "/keep.json") == Array("keep.json".utf8))
            try FileSystem.removeEntries(of: root + "/missing", except: [])
            #expect(!FileSystem.exists(root + "/missing"))
        }
    }

    @Test("removeTree removes read-only trees, symlinks without following them, and missing paths")
    func removeTree() throws {
        try withScratch { root in
            let tree = root + "/tree"
            try FileSystem.makeDirectories(tree + "/a/b/c")
            try FileSystem.writeAtomically(Data("x".utf8), to: tree + "/a/b/c/file", permissions: 0o444)
            try FileSystem.writeAtomically(Data("y".utf8), to: tree + "/a/top", permissions: 0o400)
            let outside = root + "/outside"
            try FileSystem.makeDirectory(outside)
            try FileSystem.writeAtomically(Data("keep".utf8), to: outside + "/keep")
            try FileSystem.symlink(target: outside, at: tree + "/a/link")
            try FileSystem.setPermissions(tree + "/a/b/c", 0o555)
            try FileSystem.setPermissions(tree + "/a/b", 0o500)
            try FileSystem.setPermissions(tree + "/a", 0o300)
            try FileSystem.setPermissions(tree, 0o000)

            try FileSystem.removeTree(tree)
            #expect(!FileSystem.exists(tree))
            #expect(try contents(outside + "/keep") == Array("keep".utf8))

            try FileSystem.removeTree(root + "/never-existed")
            try FileSystem.symlink(target: outside, at: root + "/dangling-or-not")
            try FileSystem.removeTree(root + "/dangling-or-not")
            #expect(FileSystem.exists(outside))
        }
    }

    @Test("removeTree removes entries whose names are not UTF-8, as an unpacked archive may hold")
    func removeTreeNonUTF8Names() throws {
        try withScratch { root in
            let tree = root + "/tree"
            try FileSystem.makeDirectory(tree)
            func rawPath(_ prefix: String, _ suffix: [UInt8]) -> [CChar] {
                (Array(prefix.utf8) + suffix + [0]).map { CChar(bitPattern: $0) }
            }
            let badDirectory = rawPath(tree + "/dir", [0xFF])
            #expect(mkdir(badDirectory, 0o755) == 0)
            let badFile = rawPath(tree + "/dir", [0xFF] + Array("/file".utf8) + [0xC3])
            let fd = open(badFile, O_WRONLY | O_CREAT | O_EXCL, 0o444)
            #expect(fd >= 0)
            close(fd)
            #expect(chmod(badDirectory, 0o555) == 0)
            try FileSystem.removeTree(tree)
            #expect(!FileSystem.exists(tree))
        }
    }

    @Test("removeTree handles a tree deeper than the common 1024-descriptor limit")
    func removeTreeDeep() throws {
        try withScratch { root in
            let deepest = root + "/t" + String(repeating: "/d", count: 1100)
            try FileSystem.makeDirectories(deepest)
            try FileSystem.writeAtomically(Data("x".utf8), to: deepest + "/leaf")
            try FileSystem.removeTree(root + "/t")
            #expect(!FileSystem.exists(root + "/t"))
        }
    }

    @Test("readLink returns the stored target, nil for non-links")
    func readLink() throws {
        try withScratch { root in
            try FileSystem.symlink(target: "versions/1.2.3", at: root + "/current")
            #expect(FileSystem.readLink(root + "/current") == "versions/1.2.3")
            #expect(FileSystem.isSymlink(root + "/current"))
            #expect(!FileSystem.isDirectory(root + "/current"))
            let long = String(repeating: "d/", count: 900) + "é"
            try FileSystem.symlink(target: long, at: root + "/long")
            #expect(FileSystem.readLink(root + "/long") == long)
            #expect(FileSystem.readLink(root) == nil)
            #expect(FileSystem.readLink(root + "/missing") == nil)
            #expect(throws: FileSystemError.self) { try FileSystem.symlink(target: "x", at: root + "/current") }
        }
    }

    @Test("entries lists names without . and .., including dot files")
    func entries() throws {
        try withScratch { root in
            #expect(try FileSystem.entries(of: root).isEmpty)
            for name in ["b", ".hidden", "ünï"] { try FileSystem.writeAtomically(Data(), to: root + "/" + name) }
            try FileSystem.makeDirectory(root + "/dir")
            #expect(try Set(FileSystem.entries(of: root)) == ["b", ".hidden", "ünï", "dir"])
            let raw = (Array((root + "/bad").utf8) + [0xFF, 0]).map { CChar(bitPattern: $0) }
            #expect(mkdir(raw, 0o755) == 0)
            #expect(try FileSystem.entries(of: root).contains("bad\u{FFFD}"))
            #expect(throws: FileSystemError.self) { try FileSystem.entries(of: root + "/missing") }
            #expect(throws: FileSystemError.self) { try FileSystem.entries(of: root + "/b") }
        }
    }

    @Test("makeDirectories creates parents and tolerates existing ones; rename and unlink")
    func directoriesRenameUnlink() throws {
        try withScratch { root in
            try FileSystem.makeDirectories(root + "/x/y/z")
            try FileSystem.makeDirectories(root + "/x/y/z")
            #expect(FileSystem.isDirectory(root + "/x/y/z"))
            #expect(throws: FileSystemError.self) { try FileSystem.makeDirectory(root + "/x") }
            try FileSystem.writeAtomically(Data("1".utf8), to: root + "/x/f")
            try FileSystem.rename(root + "/x/f", to: root + "/x/g")
            #expect(!FileSystem.exists(root + "/x/f"))
            try FileSystem.unlink(root + "/x/g")
            #expect(!FileSystem.exists(root + "/x/g"))
            #expect(throws: FileSystemError.self) { try FileSystem.unlink(root + "/x/g") }
            try FileSystem.syncDirectory(root)
            try FileSystem.syncFilesystem(containing: root)
        }
    }

    @Test("FileDescriptor: exclusive create, no-follow open, chunked reads")
    func fileDescriptor() throws {
        try withScratch { root in
            let path = root + "/data"
            let file = try FileDescriptor.open(path, .createExclusive(permissions: 0o644))
            let payload = (0..<200_000).map { UInt8(truncatingIfNeeded: $0) }
            try file.write(payload)
            try file.sync()
            #expect(try file.status().st_size == 200_000)
            file.close()
            #expect(throws: FileSystemError.self) { try FileDescriptor.open(path, .createExclusive(permissions: 0o644)) }
            #expect(try contents(path) == payload)
            var chunks = 0
            let reader = try FileDescriptor.open(path, .readOnly)
            try reader.readChunks(size: 65_536) { _ in chunks += 1 }
            reader.close()
            #expect(chunks == 4)
            try FileSystem.symlink(target: path, at: root + "/link")
            #expect(throws: FileSystemError.self) { try FileDescriptor.open(root + "/link", .readOnlyNoFollow) }
            #expect(throws: FileSystemError.self) { try FileDescriptor.open(root + "/missing", .readOnly) }
        }
    }
}

@Suite("SHA256Hex")
struct SHA256HexTests {
    @Test("known vectors", arguments: [
        ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        ("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
         "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
    ])
    func vectors(input: String, digest: String) throws {
        #expect(SHA256Hex.of(Data(input.utf8)) == digest)
        #expect(Array(input.utf8).withUnsafeBytes { SHA256Hex.of($0) } == digest)
        #expect(SHA256Hex.isValid(digest))
        let path = NSTemporaryDirectory() + "memento-sha-\(UUID().uuidString)"
        defer { try? FileSystem.unlink(path) }
        try FileSystem.writeAtomically(Data(input.utf8), to: path)
        #expect(try SHA256Hex.ofFile(atPath: path) == digest)
    }

    @Test("a file larger than one read chunk hashes like the whole buffer")
    func streaming() throws {
        let payload = Data((0..<300_000).map { UInt8(truncatingIfNeeded: $0 &* 31) })
        let path = NSTemporaryDirectory() + "memento-sha-\(UUID().uuidString)"
        defer { try? FileSystem.unlink(path) }
        try FileSystem.writeAtomically(payload, to: path)
        #expect(try SHA256Hex.ofFile(atPath: path) == SHA256Hex.of(payload))
    }

    @Test("isValid wants 64 lowercase hex digits", arguments: [
        (String(repeating: "0", count: 64), true), (String(repeating: "f", count: 64), true),
        (String(repeating: "F", count: 64), false), (String(repeating: "0", count: 63), false),
        (String(repeating: "0", count: 65), false), (String(repeating: "g", count: 64), false), ("", false),
    ])
    func validity(text: String, valid: Bool) {
        #expect(SHA256Hex.isValid(text) == valid)
    }

    @Test("hex of raw bytes")
    func hex() {
        #expect(SHA256Hex.hex([0x00, 0x0f, 0xa0, 0xff]) == "000fa0ff")
    }
}

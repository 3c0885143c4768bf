import Foundation
import MementoCore
import Testing
import TestSupport
@testable import PluginHost

/// The enum case of an error, for matrices that check which refusal happened.
func caseName(_ error: PluginError?) -> String? {
    guard let error else { return nil }
    return Mirror(reflecting: error).children.first?.label ?? "\(error)"
}

func loadError(_ folder: String, mode: LoadMode = .inProcess) -> PluginError? {
    do {
        _ = try NativeLoader.load(try NativeSkillFolder(root: folder), mode: mode)
        return nil
    } catch {
        return error
    }
}

@Suite("Verified in-process loading")
struct LoaderTests {
    @Test func loadsAndCallsACPlugin() throws {
        let workspace = try PluginWorkspace()
        var options = PluginWorkspace.Options()
        options.name = "loads"
        let folder = try workspace.skill(options)
        let clock = ContinuousClock()
        var plugin: NativePlugin?
        let elapsed = try clock.measure { plugin = try NativeLoader.load(try NativeSkillFolder(root: folder), mode: .inProcess) }
        print("verified load (read, sha256, ELF, memfd, dlopen, checks, create): \(elapsed)")
        #expect(elapsed < .milliseconds(50))
        let reply = try #require(plugin).invoke(Array(#"{"arguments":{"text":"hi"},"tool":"echo"}"#.utf8)).output
        #expect(reply == ["input": ["arguments": ["text": "hi"], "tool": "echo"]])
        // The mapped image is the sealed memfd, not the file in the store.
        // Read with read(2) to EOF: /proc files report a size of 0.
        let mapsFile = try FileDescriptor.open("/proc/self/maps", .readOnly)
        defer { mapsFile.close() }
        let maps = String(decoding: try mapsFile.readAll(), as: UTF8.self)
        #expect(maps.contains("/memfd:skill:"))
    }

    struct Refusal: CustomTestStringConvertible, Sendable {
        let label: String
        let defines: [String]
        var embeddedName: String? = nil
        var embeddedVersion: String? = nil
        var embeddedManifest: String? = nil
        var buildInfo = "c"
        var versionScript = true
        let expected: String
        var testDescription: String { label }
    }

    static let refusals: [Refusal] = [
        Refusal(label: "missing entry symbol", defines: ["NO_ENTRY"], versionScript: false, expected: "missingEntrySymbol"),
        Refusal(label: "entry returns NULL", defines: ["ENTRY_NULL"], expected: "entryRefused"),
        Refusal(label: "bad magic", defines: ["BAD_MAGIC"], expected: "badMagic"),
        Refusal(label: "major 2", defines: ["MAJOR_2"], expected: "majorMismatch"),
        Refusal(label: "minor newer than host", defines: ["MINOR_NEWER"], expected: "minorTooNew"),
        Refusal(label: "short struct", defines: ["SHORT_STRUCT"], expected: "descriptorTooShort"),
        Refusal(label: "NULL invoke", defines: ["NULL_INVOKE"], expected: "missingFunction"),
        Refusal(label: "NULL free_buf", defines: ["NULL_FREE"], expected: "missingFunction"),
        Refusal(label: "create fails", defines: ["CREATE_FAILS"], expected: "createFailed"),
        Refusal(label: "name differs from skill.json", defines: [], embeddedName: "impostor", expected: "identityMismatch"),
        Refusal(label: "version differs", defines: [], embeddedVersion: "9.9.9", expected: "identityMismatch"),
        Refusal(label: "manifest differs", defines: [], embeddedManifest: #"{"name":"other"}"#, expected: "identityMismatch"),
        Refusal(label: "manifest not JSON", defines: [], embeddedManifest: "not json", expected: "identityMismatch"),
        Refusal(label: "requires isolation, in-process", defines: ["REQUIRE_ISOLATION"], expected: "requiresIsolation"),
        Refusal(label: "another toolchain, in-process", defines: [], buildInfo: "swift-5.10-RELEASE x86_64-unknown-linux-gnu", expected: "toolchainMismatch"),
        Refusal(label: "static stdlib, in-process", defines: [], buildInfo: "static", expected: "toolchainMismatch"),
    ]

    @Test(arguments: refusals)
    func refusesABIDefects(_ refusal: Refusal) throws {
        let workspace = try PluginWorkspace()
        var options = PluginWorkspace.Options()
        options.name = "refusal"
        options.defines = refusal.defines
        options.embeddedName = refusal.embeddedName
        options.embeddedVersion = refusal.embeddedVersion
        options.embeddedManifest = refusal.embeddedManifest
        options.buildInfo = refusal.buildInfo
        options.versionScript = refusal.versionScript
        let error = loadError(try workspace.skill(options))
        #expect(caseName(error) == refusal.expected, "\(refusal.label): \(error.map { "\($0)" } ?? "loaded")")
        // Every message says what to do next.
        let message = error?.description ?? ""
        #expect(["rebuild", "install", "upgrade", "drop --in-process", "runner", "repack", "see its log"].contains { message.contains($0) }, "\(message)")
    }

    @Test func aForeignToolchainIsRefusedBeforeAnythingIsMapped() throws {
        let workspace = try PluginWorkspace()
        var options = PluginWorkspace.Options()
        options.name = "foreign"
        options.buildInfo = "swift-5.10-RELEASE x86_64-unknown-linux-gnu"
        let folder = try workspace.skill(options)
        #expect(caseName(loadError(folder)) == "toolchainMismatch")
        #expect(!LoadedImages.shared.contains(sha256: try SHA256Hex.ofFile(atPath: folder + "/libskill.so")))
        // The same plugin is fine in a runner, where the toolchain does not matter.
        #expect(loadError(folder, mode: .runner) == nil)
    }

    @Test func fileIntegrity() throws {
        let workspace = try PluginWorkspace()
        var options = PluginWorkspace.Options()
        options.name = "integrity"

        let changed = try workspace.skill(options)
        try tamper(changed) { $0[$0.count - 1] ^= 0xFF }
        #expect(caseName(loadError(changed)) == "hashMismatch")

        let truncated = try workspace.skill(options)
        try tamper(truncated) { $0 = Array($0.prefix($0.count / 3)) }
        try workspace.rehash(truncated)
        #expect(caseName(loadError(truncated)) == "badELF")

        let notELF = try workspace.skill(options)
        try tamper(notELF) { $0 = Array("#!/bin/sh\nrm -rf ~\n".utf8) + [UInt8](repeating: 0, count: 100) }
        try workspace.rehash(notELF)
        #expect(loadError(notELF) == .badELF(path: notELF + "/libskill.so", .notELF))

        let machine = try workspace.skill(options)
        try tamper(machine) { $0[18] = 183 == ELFFile.hostMachine ? 62 : 183 }
        try workspace.rehash(machine)
        #expect(caseName(loadError(machine)) == "wrongMachine")

        let symlinked = try workspace.skill(options)
        try FileSystem.rename(symlinked + "/libskill.so", to: symlinked + "/real.so")
        try FileSystem.symlink(target: "real.so", at: symlinked + "/libskill.so")
        #expect(loadError(symlinked) == .notRegularFile(path: symlinked + "/libskill.so"))

        let missingHash = try workspace.skill(options)
        try Data(workspace.manifest(options, sha256: nil).encoded().utf8).write(to: URL(fileURLWithPath: missingHash + "/skill.json"))
        #expect(loadError(missingHash) == .missingHash(skill: "integrity"))
    }

    @Test func theVerifiedBytesAreWhatRunsEvenIfTheFileChangesLater() throws {
        let workspace = try PluginWorkspace()
        var options = PluginWorkspace.Options()
        options.name = "toctou"
        let folder = try workspace.skill(options)
        let plugin = try NativeLoader.load(try NativeSkillFolder(root: folder), mode: .inProcess)
        // Replace the file after the hash: the loaded image came from the sealed copy.
        try Data("garbage".utf8).write(to: URL(fileURLWithPath: folder + "/libskill.so"))
        #expect(try plugin.invoke(Array(#"{"tool":"stats"}"#.utf8)).output["instances"] != nil)
        #expect(caseName(loadError(folder)) == "hashMismatch")
    }

    @Test func aSealedCopyCannotBeWritten() throws {
        let memory = try SealedMemoryFile(copying: [1, 2, 3], name: "skill:test")
        defer { memory.close() }
        #expect(memory.isSealed)
        let written = [UInt8](repeating: 9, count: 3).withUnsafeBytes { pwrite(memory.fd, $0.baseAddress, 3, 0) }
        #expect(written == -1 && errno == EPERM)
    }

    @Test func theSameBytesAreMappedOnceWhateverThePath() throws {
        let workspace = try PluginWorkspace()
        var options = PluginWorkspace.Options()
        options.name = "twice"
        let folder = try workspace.skill(options)
        let copy = workspace.root + "/copy"
        try FileManager.default.copyItem(atPath: folder, toPath: copy)
        _ = try NativeLoader.load(try NativeSkillFolder(root: folder), mode: .inProcess)
        let second = try NativeLoader.load(try NativeSkillFolder(root: copy), mode: .inProcess)
        // One image, one set of statics: both instances live in it.
        #expect(try second.invoke(Array(#"{"tool":"stats"}"#.utf8)).output["instances"] == 2)
    }

    @Test func noDlcloseAnywhereInThePluginHost() throws {
        let sources = URL(fileURLWithPath: Repository.root).appendingPathComponent("Sources/PluginHost")
        let files = FileManager.default.enumerator(at: sources, includingPropertiesForKeys: nil)?.compactMap { $0 as? URL } ?? []
        #expect(!files.isEmpty)
        for file in files where file.pathExtension == "swift" {
            let text = try String(contentsOf: file, encoding: .utf8)
            #expect(!text.contains("dlclose("), "\(file.lastPathComponent) calls dlclose")
        }
    }

    private func tamper(_ folder: String, _ change: (inout [UInt8]) -> Void) throws {
        let path = folder + "/libskill.so"
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        change(&bytes)
        try Data(bytes).write(to: URL(fileURLWithPath: path))
    }
}

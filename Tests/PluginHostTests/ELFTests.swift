import Foundation
import MementoCore
import Testing
@testable import PluginHost

@Suite("ELF inspection without loading")
struct ELFTests {
    @Test func parsesTheTestPlugin() throws {
        let workspace = try PluginWorkspace()
        let folder = try workspace.skill()
        let bytes = try PluginWorkspace.read(folder + "/libskill.so")
        let elf = try ELFCheck.check(bytes, path: "libskill.so")
        #expect(elf.fileType == .sharedObject)
        #expect(elf.machine == ELFFile.hostMachine)
        #expect(elf.neededLibraries == ["libc.so.6"])
        // The SDK's version script leaves the entry point (and its version node) and nothing else.
        #expect(Set(elf.exportedSymbols) == [NativeABI.entrySymbol, "SKILL_ABI_1"])
    }

    @Test func withoutTheVersionScriptEveryGlobalIsExported() throws {
        let workspace = try PluginWorkspace()
        var options = PluginWorkspace.Options()
        options.versionScript = false
        let bytes = try PluginWorkspace.read(try workspace.skill(options) + "/libskill.so")
        #expect(try ELFFile(bytes: bytes).exportedSymbols.contains(NativeABI.entrySymbol))
    }

    @Test func refusesWhatIsNotALoadablePlugin() throws {
        let workspace = try PluginWorkspace()
        let bytes = try PluginWorkspace.read(try workspace.skill() + "/libskill.so")

        #expect(throws: PluginError.badELF(path: "p", .notELF)) { try ELFCheck.check(Array("#!/bin/sh\necho hi\n".utf8) + [UInt8](repeating: 0, count: 64), path: "p") }
        #expect(throws: PluginError.badELF(path: "p", .truncated("the file is 10 bytes, shorter than an ELF header"))) { try ELFCheck.check(Array(bytes.prefix(10)), path: "p") }

        var wrongMachine = bytes
        wrongMachine[18] = 183 == ELFFile.hostMachine ? 62 : 183
        #expect(throws: PluginError.wrongMachine(path: "p", found: UInt16(wrongMachine[18]), expected: ELFFile.hostMachine)) { try ELFCheck.check(wrongMachine, path: "p") }

        var thirtyTwoBit = bytes
        thirtyTwoBit[4] = 1
        #expect(throws: PluginError.badELF(path: "p", .unsupportedClass(1))) { try ELFCheck.check(thirtyTwoBit, path: "p") }

        var executable = bytes
        executable[16] = 2
        #expect(throws: PluginError.notSharedObject(path: "p")) { try ELFCheck.check(executable, path: "p") }

        // Cut inside the section table: every read is bounds-checked.
        #expect(throws: PluginError.self) { try ELFCheck.check(Array(bytes.prefix(bytes.count - 100)), path: "p") }
        for length in stride(from: 64, to: bytes.count, by: 997) {
            _ = try? ELFFile(bytes: Array(bytes.prefix(length)))
        }
    }

    @Test func refusesAMissingEntrySymbol() throws {
        let workspace = try PluginWorkspace()
        var options = PluginWorkspace.Options()
        options.defines = ["NO_ENTRY"]
        options.versionScript = false
        let bytes = try PluginWorkspace.read(try workspace.skill(options) + "/libskill.so")
        #expect(throws: PluginError.missingEntrySymbol(path: "p")) { try ELFCheck.check(bytes, path: "p") }
    }

    @Test func parsesInWellUnderAMillisecond() throws {
        let workspace = try PluginWorkspace()
        let bytes = try PluginWorkspace.read(try workspace.skill() + "/libskill.so")
        let clock = ContinuousClock()
        let elapsed = clock.measure { for _ in 0..<100 { _ = try? ELFCheck.check(bytes, path: "p") } }
        print("ELF check of a \(bytes.count)-byte plugin: \(elapsed / 100) per parse")
        #expect(elapsed / 100 < .milliseconds(5))
    }
}

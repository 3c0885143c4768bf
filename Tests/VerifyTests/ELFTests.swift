import MementoCore
import Testing
@testable import Verify

@Suite("ELF parsing")
struct ELFTests {
    @Test func readsImportsExportsAndNeeded() throws {
        let bytes = ELFBuilder.sharedObject(machine: 183, imports: ["execve", "connect"], exports: ["skill_abi_v1_entry"],
                                            needed: ["libc.so.6", "libcurl.so.4"])
        let elf = try ELFFile(bytes: bytes)
        #expect(elf.is64Bit && elf.littleEndian)
        #expect(elf.machineName == "aarch64")
        #expect(elf.importedSymbols == ["execve", "connect"])
        #expect(elf.exportedSymbols == ["skill_abi_v1_entry"])
        #expect(elf.neededLibraries == ["libc.so.6", "libcurl.so.4"])
    }

    @Test func everyTruncationIsAnErrorNotACrash() {
        let bytes = ELFBuilder.sharedObject(imports: ["system"], exports: ["skill_abi_v1_entry"], needed: ["libz.so.1"])
        for length in stride(from: 0, to: bytes.count, by: 7) {
            // Any prefix either parses (the tables it needs are complete) or throws; it never traps.
            _ = try? ELFFile(bytes: Array(bytes.prefix(length)))
        }
    }

    @Test func randomCorruptionNeverTraps() {
        let original = ELFBuilder.sharedObject(imports: ["system", "connect"], exports: ["skill_abi_v1_entry"], needed: ["libz.so.1"])
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        for _ in 0..<2_000 {
            var bytes = original
            for _ in 0..<4 {
                // xorshift: deterministic, so a failure reproduces.
                state ^= state << 13; state ^= state >> 7; state ^= state << 17
                bytes[Int(state % UInt64(bytes.count))] = UInt8(truncatingIfNeeded: state >> 32)
            }
            _ = try? ELFFile(bytes: bytes)
        }
    }

    @Test func corruptedOffsetsAreRejected() {
        var bytes = ELFBuilder.sharedObject(imports: ["system"])
        // Point the section table far past the end of the file.
        bytes.replaceSubrange(40..<48, with: ELFBuilder.le(UInt64(1 << 40)))
        #expect(throws: ELFError.self) { try ELFFile(bytes: bytes) }
    }
}

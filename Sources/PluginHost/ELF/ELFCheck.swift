import MementoCore

/// The install- and load-time checks on a plugin's ELF image (plugin-abi.md §4), by pure parsing.
public enum ELFCheck {
    /// Libraries a native skill may need. Anything else (a network library, a second libc) is
    /// either an undeclared capability or a dependency the store cannot vouch for.
    public static let allowedLibraries: Set<String> = [
        "libc.so.6", "libm.so.6", "libdl.so.2", "libpthread.so.0", "librt.so.1", "libutil.so.1",
        "ld-linux-x86-64.so.2", "ld-linux-aarch64.so.1", "libstdc++.so.6", "libgcc_s.so.1",
        // The Swift runtime of a dynamically linked Swift plugin (in-process only with the host's toolchain).
        "libswiftCore.so", "libswift_Concurrency.so", "libswift_StringProcessing.so", "libswift_RegexParser.so",
        "libswiftSwiftOnoneSupport.so", "libswiftSynchronization.so", "libswift_Builtin_float.so", "libswift_math.so",
        "libswiftGlibc.so", "libswiftDispatch.so", "libdispatch.so", "libBlocksRuntime.so",
        "libFoundation.so", "libFoundationEssentials.so", "libFoundationInternationalization.so", "lib_FoundationICU.so",
    ]

    /// Libraries a skill may need once skill.json declares network access: the capability is
    /// then stated, and `verify` weighs it against the hosts the skill names.
    public static let networkLibraries: Set<String> = ["libcurl.so.4", "libcurl-gnutls.so.4"]

    /// Parses `bytes` and checks class, machine, type, the entry symbol and NEEDED libraries
    /// against the allow-list and what `permissions` declare.
    @discardableResult
    public static func check(_ bytes: [UInt8], path: String, permissions: SkillManifest.Permissions = .init()) throws(PluginError) -> ELFFile {
        let file: ELFFile
        do {
            file = try ELFFile(bytes: bytes)
        } catch {
            throw .badELF(path: path, error)
        }
        guard file.is64Bit else { throw .badELF(path: path, .unsupportedClass(1)) }
        guard file.littleEndian else { throw .badELF(path: path, .unsupportedByteOrder) }
        guard file.machine == ELFFile.hostMachine else { throw .wrongMachine(path: path, found: file.machine, expected: ELFFile.hostMachine) }
        guard file.fileType == .sharedObject else { throw .notSharedObject(path: path) }
        guard file.exportedSymbols.contains(NativeABI.entrySymbol) else { throw .missingEntrySymbol(path: path) }
        let allowed = permissions.network.isEmpty ? allowedLibraries : allowedLibraries.union(networkLibraries)
        let outside = file.neededLibraries.filter { !allowed.contains($0) }
        guard outside.isEmpty else { throw .disallowedLibraries(path: path, outside) }
        return file
    }
}

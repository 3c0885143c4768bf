import MementoCore

/// Why a native skill was refused or failed. Every message says what is wrong and what to do.
public enum PluginError: Error, Equatable, Sendable, CustomStringConvertible {
    // The skill folder and its manifest.
    case badManifest(ManifestError)
    case notNative(skill: String, kind: SkillKind)
    // The file, before anything is loaded.
    case unreadable(path: String, reason: String)
    case notRegularFile(path: String)
    case hashMismatch(path: String, expected: String, actual: String)
    case missingHash(skill: String)
    case badELF(path: String, ELFError)
    case wrongMachine(path: String, found: UInt16, expected: UInt16)
    case notSharedObject(path: String)
    case missingEntrySymbol(path: String)
    case disallowedLibraries(path: String, [String])
    // dlopen and the descriptor.
    case loadFailed(path: String, reason: String)
    case entryRefused(skill: String, hostMajor: UInt32)
    case badMagic(skill: String, found: UInt64)
    case majorMismatch(skill: String, plugin: UInt32, host: UInt32)
    case minorTooNew(skill: String, plugin: UInt32, host: UInt32)
    case descriptorTooShort(skill: String, size: UInt32, required: Int)
    case missingFunction(skill: String, field: String)
    case identityMismatch(skill: String, field: String, descriptor: String, expected: String)
    case toolchainMismatch(skill: String, plugin: String, host: String)
    case requiresIsolation(skill: String)
    case createFailed(skill: String, code: Int32)
    // Calls.
    case invalidOutput(skill: String, reason: String)

    public var description: String {
        switch self {
        case .badManifest(let error):
            return "\(error); fix skill.json and reinstall the skill"
        case .notNative(let skill, let kind):
            return "'\(skill)' is a \(kind.rawValue) skill, not a native one; only native skills load through the plugin host"
        case .unreadable(let path, let reason):
            return "cannot read the native library \(path): \(reason); reinstall the skill"
        case .notRegularFile(let path):
            return "\(path) is not a regular file (a symlink or device in the store); refusing to load it. Run `memento doctor` and reinstall the skill"
        case .hashMismatch(let path, let expected, let actual):
            return "\(path) has sha256 \(actual) but skill.json records \(expected): the file changed after it was packed or installed. Reinstall the skill from a trusted source"
        case .missingHash(let skill):
            return "skill.json of '\(skill)' has no entry.sha256, so its library cannot be verified; run `memento skill pack` to record it"
        case .badELF(let path, let error):
            return "\(path): \(error); rebuild the skill as a shared object (cc -shared -fPIC, or SkillKit)"
        case .wrongMachine(let path, let found, let expected):
            return "\(path) is built for ELF machine \(found), this host is machine \(expected); rebuild the skill for this architecture"
        case .notSharedObject(let path):
            return "\(path) is not a shared object (ELF type ET_DYN); build it with -shared"
        case .missingEntrySymbol(let path):
            return "\(path) does not export \(NativeABI.entrySymbol); rebuild it exporting the entry with public @c(\(NativeABI.entrySymbol)) (Swift) or without static (C)"
        case .disallowedLibraries(let path, let libraries):
            return "\(path) needs libraries outside the allow-list: \(libraries.joined(separator: ", ")); link them statically or use only libc, libm, libstdc++ and the Swift runtime (libcurl once skill.json declares permissions.network)"
        case .loadFailed(let path, let reason):
            return "dlopen of \(path) failed: \(reason); a missing symbol usually means the skill was built by another toolchain, rebuild it"
        case .entryRefused(let skill, let hostMajor):
            return "'\(skill)': \(NativeABI.entrySymbol) returned NULL for host ABI \(hostMajor).\(NativeABI.minor); the plugin does not support this host, install a version built for ABI \(hostMajor)"
        case .badMagic(let skill, let found):
            return "'\(skill)': the descriptor's magic is 0x\(String(found, radix: 16)), expected 0x\(String(NativeABI.magic, radix: 16)); the library is not a Memento skill or is corrupt, rebuild it against skill_abi.h"
        case .majorMismatch(let skill, let plugin, let host):
            return "'\(skill)' was built for ABI major \(plugin), this host supports \(host); install a version of the skill built for ABI \(host)"
        case .minorTooNew(let skill, let plugin, let host):
            return "'\(skill)' was built for ABI 1.\(plugin), this host supports 1.\(host); upgrade memento or install an older version of the skill"
        case .descriptorTooShort(let skill, let size, let required):
            return "'\(skill)': the descriptor is \(size) bytes, an ABI 1.0 descriptor is at least \(required); rebuild the skill against skill_abi.h"
        case .missingFunction(let skill, let field):
            return "'\(skill)': the descriptor's \(field) function pointer is NULL; the plugin is incomplete, rebuild it"
        case .identityMismatch(let skill, let field, let descriptor, let expected):
            return "'\(skill)': the library says \(field) \(descriptor.debugDescription) but skill.json says \(expected.debugDescription); rebuild and repack so the library and skill.json agree"
        case .toolchainMismatch(let skill, let plugin, let host):
            return "'\(skill)' was built by \(plugin.debugDescription), this host is \(host.debugDescription); Swift has no stable ABI on Linux, so it runs only in a runner (drop --in-process) or after a rebuild with this toolchain"
        case .requiresIsolation(let skill):
            return "'\(skill)' sets SKILL_FLAG_REQUIRE_ISOLATION and must run in a runner; drop --in-process"
        case .createFailed(let skill, let code):
            return "'\(skill)': create returned \(code); the skill could not start, see its log lines above"
        case .invalidOutput(let skill, let reason):
            return "'\(skill)' returned output that is not valid JSON: \(reason); report this to the skill's author"
        }
    }
}

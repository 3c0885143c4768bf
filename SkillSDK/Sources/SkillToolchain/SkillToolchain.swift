/// The identity of the Swift toolchain that compiled this code, as a native skill's `build_info`
/// spells it (`swift-6.3.1 x86_64-unknown-linux-gnu`).
///
/// Swift has no stable ABI on Linux, so an in-process Swift plugin must come from exactly the
/// host's toolchain (plugin-abi.md §7.2). The host and SkillKit both compile this file, so the
/// two sides compute the id the same way. A compiler this file does not know yields an id that
/// names no release: such plugins still run, but only in a runner.
public enum SkillToolchain {
    /// `build_info` of a plugin with no Swift runtime dependency (C, Rust, Zig).
    public static let c = "c"
    /// `build_info` of a Swift plugin linked with `-static-stdlib`: it carries its own runtime.
    public static let staticStdlib = "static"

    public static let id = "swift-\(compilerVersion) \(triple)"

    static var compilerVersion: String {
        #if compiler(>=6.4)
        return "unknown-newer-than-6.3"
        #elseif compiler(>=6.3.3)
        return "6.3.3"
        #elseif compiler(>=6.3.2)
        return "6.3.2"
        #elseif compiler(>=6.3.1)
        return "6.3.1"
        #elseif compiler(>=6.3)
        return "6.3.0"
        #else
        return "unknown-older-than-6.3"
        #endif
    }

    static var triple: String {
        #if arch(x86_64)
        let arch = "x86_64"
        #elseif arch(arm64)
        let arch = "aarch64"
        #else
        let arch = "unknown"
        #endif
        #if os(Linux)
        return arch + "-unknown-linux-gnu"
        #elseif os(macOS)
        return arch + "-apple-macosx"
        #else
        return arch + "-unknown"
        #endif
    }
}

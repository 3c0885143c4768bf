import MementoCore
import SkillABI
import SkillToolchain

/// Where a native skill runs. In-process is for trusted plugins built by this toolchain (or
/// with no Swift runtime); everything else runs in a runner (plugin-abi.md §5 step 4).
public enum LoadMode: String, Sendable {
    case inProcess = "in-process"
    case runner
}

/// The checks on a descriptor returned by `entry`, in the order plugin-abi.md §5 gives them.
enum DescriptorCheck {
    static func validate(_ descriptor: UnsafePointer<skill_descriptor>, against folder: NativeSkillFolder, mode: LoadMode) throws(PluginError) {
        let skill = folder.name
        let d = descriptor.pointee
        guard d.magic == NativeABI.magic else { throw .badMagic(skill: skill, found: d.magic) }
        guard d.abi_major == NativeABI.major else { throw .majorMismatch(skill: skill, plugin: d.abi_major, host: NativeABI.major) }
        guard d.abi_minor <= NativeABI.minor else { throw .minorTooNew(skill: skill, plugin: d.abi_minor, host: NativeABI.minor) }
        // Fields beyond struct_size were not compiled into the plugin; read none before this.
        guard Int(d.struct_size) >= NativeABI.descriptorSizeV1 else {
            throw .descriptorTooShort(skill: skill, size: d.struct_size, required: NativeABI.descriptorSizeV1)
        }
        if d.create == nil { throw .missingFunction(skill: skill, field: "create") }
        if d.invoke == nil { throw .missingFunction(skill: skill, field: "invoke") }
        if d.free_buf == nil { throw .missingFunction(skill: skill, field: "free_buf") }
        if d.destroy == nil { throw .missingFunction(skill: skill, field: "destroy") }

        try same("name", text(d.name), folder.manifest.name, skill)
        try same("version", text(d.version), folder.manifest.version.description, skill)
        let manifestText = d.manifest_json.map { String(cString: $0) }
        let embedded = manifestText.flatMap { try? JSONValue.parse($0) }.map(NativeSkillFolder.comparable)
        if embedded != folder.comparableManifest {
            let found = manifestText.map { embedded == nil ? "text that is not JSON: \($0.prefix(60))" : "a different manifest: \($0.prefix(60))…" } ?? "(null)"
            throw .identityMismatch(skill: skill, field: "manifest_json", descriptor: found, expected: "the content of skill.json")
        }
        let buildInfo = text(d.build_info)
        if let declared = folder.manifest.build?.info { try same("build_info", buildInfo, declared, skill) }

        guard mode == .inProcess else { return }
        // A Swift plugin shares the host's runtime in-process, which is only sound for the
        // same toolchain (§7.2); a static-stdlib plugin brings a second runtime (§7.3).
        guard allowsInProcess(buildInfo: buildInfo) else {
            throw .toolchainMismatch(skill: skill, plugin: buildInfo, host: SkillToolchain.id)
        }
        guard d.flags & NativeABI.requireIsolationFlag == 0 else { throw .requiresIsolation(skill: skill) }
    }

    /// A plugin with no Swift runtime, or one built by exactly this toolchain.
    static func allowsInProcess(buildInfo: String) -> Bool {
        buildInfo == SkillToolchain.c || buildInfo == SkillToolchain.id
    }

    private static func text(_ pointer: UnsafePointer<CChar>?) -> String {
        pointer.map { String(cString: $0) } ?? "(null)"
    }

    private static func same(_ field: String, _ found: String, _ expected: String, _ skill: String) throws(PluginError) {
        guard found == expected else { throw .identityMismatch(skill: skill, field: field, descriptor: found, expected: expected) }
    }
}

import SkillABI
import SkillToolchain

/// Loads a native skill into this process: verify the bytes, map them from a sealed memfd,
/// check the descriptor against skill.json, create an instance (plugin-abi.md §5).
public enum NativeLoader {
    public static func load(_ folder: NativeSkillFolder, mode: LoadMode) throws(PluginError) -> NativePlugin {
        // Refuse before mapping when skill.json already says the toolchain differs: dlopen runs
        // the plugin's constructors, which must not happen in-process for a foreign runtime.
        if mode == .inProcess, let declared = folder.manifest.build?.info, !DescriptorCheck.allowsInProcess(buildInfo: declared) {
            throw .toolchainMismatch(skill: folder.name, plugin: declared, host: SkillToolchain.id)
        }
        let library = try VerifiedLibrary(path: folder.libraryPath, expectedSha256: folder.expectedSha256, permissions: folder.manifest.permissions)
        let image = try LoadedImages.shared.image(for: library)
        guard let descriptor = image.entry(NativeABI.major, NativeABI.minor) else {
            throw .entryRefused(skill: folder.name, hostMajor: NativeABI.major)
        }
        try DescriptorCheck.validate(descriptor, against: folder, mode: mode)
        return try NativePlugin(folder: folder, mode: mode, descriptor: descriptor)
    }
}

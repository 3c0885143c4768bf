import SkillABI
import SkillToolchain

/// The host's side of `skill_abi.h`: the version it speaks and the sizes it requires.
public enum NativeABI {
    public static let magic: UInt64 = SKILL_ABI_MAGIC
    public static let major: UInt32 = SKILL_ABI_MAJOR
    public static let minor: UInt32 = SKILL_ABI_MINOR
    public static let entrySymbol: String = SKILL_ENTRY_SYMBOL
    /// The size of an ABI 1.0 descriptor: every field the host reads.
    public static let descriptorSizeV1 = MemoryLayout<skill_descriptor>.size
    public static let threadSafeFlag = UInt32(SKILL_FLAG_THREAD_SAFE)
    public static let requireIsolationFlag = UInt32(SKILL_FLAG_REQUIRE_ISOLATION)
    /// The `build_info` a Swift plugin needs to load into this host in-process.
    public static let hostToolchain = SkillToolchain.id
}

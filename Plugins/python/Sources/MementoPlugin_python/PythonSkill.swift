import PluginProcess
import SkillABI
import SkillKit

/// Runs Python snippets with `python3 -I`: isolated mode ignores PYTHON* variables and the
/// user's site-packages, so a snippet behaves the same whoever runs the host.
struct PythonSkill: Skill {
    static let identity = SkillIdentity(name: skillName, version: skillVersion, manifest: skillManifest, flags: UInt32(SKILL_FLAG_THREAD_SAFE))
    static let tools: [SkillTool<PythonSkill>] = [.tool("run", PythonSkill.run)]

    struct Settings: Decodable {
        var interpreter: String?
        var limits: ProcessLimits

        init(from decoder: any Decoder) throws {
            interpreter = try decoder.container(keyedBy: CodingKeys.self).decodeIfPresent(String.self, forKey: .interpreter)
            limits = try ProcessLimits(from: decoder)
        }
        enum CodingKeys: String, CodingKey { case interpreter }
    }

    struct Input: Decodable {
        let code: String, stdin: String?, timeoutSeconds: Double?
        enum CodingKeys: String, CodingKey { case code, stdin, timeoutSeconds = "timeout_seconds" }
    }

    func run(_ input: Input, _ settings: Settings) throws -> ProcessOutcome {
        try settings.limits.run([settings.interpreter ?? "python3", "-I", "-c", input.code], directory: nil, stdin: input.stdin,
                                environment: [:], timeout: input.timeoutSeconds)
    }
}

@c(skill_abi_v1_entry)
public func skillEntry(_ major: UInt32, _ minor: UInt32) -> UnsafePointer<skill_descriptor>? {
    SkillExport.entry(PythonSkill.self, major, minor)
}

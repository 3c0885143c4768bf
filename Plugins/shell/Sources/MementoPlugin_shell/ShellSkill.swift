import PluginProcess
import SkillABI
import SkillKit

/// Runs programs for the agent under the host's limits (see `ProcessLimits`).
struct ShellSkill: Skill {
    static let identity = SkillIdentity(name: skillName, version: skillVersion, manifest: skillManifest, flags: UInt32(SKILL_FLAG_THREAD_SAFE))
    static let tools: [SkillTool<ShellSkill>] = [.tool("run", ShellSkill.run)]

    typealias Settings = ProcessLimits

    struct Input: Decodable {
        let argv: [String]?, command: String?, cwd: String?, stdin: String?, env: [String: String]?, timeoutSeconds: Double?
        enum CodingKeys: String, CodingKey { case argv, command, cwd, stdin, env, timeoutSeconds = "timeout_seconds" }
    }

    func run(_ input: Input, _ limits: ProcessLimits) throws -> ProcessOutcome {
        let argv: [String]
        switch (input.argv, input.command) {
        case (let program?, nil): argv = program
        case (nil, let command?): argv = ["bash", "-c", command]
        default: throw SkillError("invalid_arguments", "give either argv (a program and its arguments) or command (a bash line), not both")
        }
        return try limits.run(argv, directory: input.cwd, stdin: input.stdin, environment: input.env ?? [:], timeout: input.timeoutSeconds)
    }
}

@c(skill_abi_v1_entry)
public func skillEntry(_ major: UInt32, _ minor: UInt32) -> UnsafePointer<skill_descriptor>? {
    SkillExport.entry(ShellSkill.self, major, minor)
}

// The bench-echo native skill: Benchmarks/bench.py copies this file and EchoTool.swift over the
// template of `memento skill new bench-echo --kind native`, then runs `memento skill build`.
import SkillABI
import SkillKit

struct BenchEcho: Skill {
    static let identity = SkillIdentity(name: skillName, version: skillVersion, manifest: skillManifest)
    static let tools: [SkillTool<BenchEcho>] = [.tool("echo", BenchEcho.echo)]

    func echo(_ input: EchoInput) throws -> EchoOutput { echoTool(input) }
}

@c(skill_abi_v1_entry)
public func skillEntry(_ major: UInt32, _ minor: UInt32) -> UnsafePointer<skill_descriptor>? {
    SkillExport.entry(BenchEcho.self, major, minor)
}

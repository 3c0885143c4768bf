// The work of the bench-echo tool, compiled into both sides of one `make bench` row: the native
// skill (Skill.swift, through SkillKit and the C ABI) and its floor (floor.swift, a direct call).

struct EchoInput: Codable {
    let name: String
    let values: [Int]
    let scale: Double
}

struct EchoOutput: Codable {
    let name: String
    let count: Int
    let sum: Double
}

func echoTool(_ input: EchoInput) -> EchoOutput {
    EchoOutput(name: input.name, count: input.values.count, sum: Double(input.values.reduce(0, &+)) * input.scale)
}

import MementoCore

/// One FFI tool's C signature, checked when the skill is read: every type is known, the return
/// is a scalar, and each length argument names a `bytes` argument.
struct FFISignature: Sendable {
    struct Argument: Sendable {
        let name: String
        let type: FFIType
        /// Set on an integer argument that the host fills with the byte length of a `bytes` argument.
        let lengthOf: String?
    }

    let tool: String
    let symbol: String
    /// nil for `void`.
    let returns: FFIType?
    let arguments: [Argument]

    init(_ spec: ToolSpec) throws(FFIError) {
        tool = spec.name
        guard let symbol = spec.symbol, !symbol.isEmpty else { throw .badSignature(tool: spec.name, "no \"symbol\"") }
        self.symbol = symbol
        switch spec.returns {
        case "void"?:
            returns = nil
        case let name?:
            guard let type = FFIType(rawValue: name), type.canBeReturned else {
                throw .badSignature(tool: spec.name, "\"returns\": \"\(name)\" is not a scalar type; v1 returns void, bool, integers, float or double")
            }
            returns = type
        case nil:
            throw .badSignature(tool: spec.name, "no \"returns\"")
        }
        var arguments: [Argument] = []
        for argument in spec.args ?? [] {
            guard let type = FFIType(rawValue: argument.type) else {
                throw .badSignature(tool: spec.name, "argument \(argument.name) has type \"\(argument.type)\"; known types: \(FFIType.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            arguments.append(Argument(name: argument.name, type: type, lengthOf: argument.lengthOf))
        }
        for argument in arguments {
            guard let target = argument.lengthOf else { continue }
            guard argument.type.integerBounds != nil else { throw .badSignature(tool: spec.name, "\(argument.name) carries a length, so it must be an integer type") }
            guard arguments.contains(where: { $0.name == target && $0.type == .bytes }) else {
                throw .badSignature(tool: spec.name, "\(argument.name) is the length of \"\(target)\", which is not a bytes argument")
            }
        }
        self.arguments = arguments
    }

    /// The input schema callers see: every argument except the lengths the host computes.
    var inputSchema: JSONValue {
        let visible = arguments.filter { $0.lengthOf == nil }
        return [
            "type": "object",
            "properties": .object(Dictionary(uniqueKeysWithValues: visible.map { ($0.name, $0.type.schema) })),
            "required": .array(visible.map { .string($0.name) }),
            "additionalProperties": false,
        ]
    }
}

/// Why a typed FFI skill or call was refused.
public enum FFIError: Error, Equatable, Sendable, CustomStringConvertible {
    case badSignature(tool: String, String)
    case libraryNotAllowed(String)
    case libraryUnavailable(String, reason: String)
    case missingSymbol(tool: String, symbol: String, library: String)
    case prepareFailed(tool: String, status: Int32)
    case invalidArgument(tool: String, String)

    public var description: String {
        switch self {
        case .badSignature(let tool, let problem):
            return "FFI tool \(tool): \(problem); fix the tool in skill.json"
        case .libraryNotAllowed(let name):
            return "\"\(name)\" must be a library SONAME such as libz.so.1, not a path; a library shipped inside the skill is not supported by this host yet"
        case .libraryUnavailable(let name, let reason):
            return "cannot load \(name): \(reason); install the system package that provides it"
        case .missingSymbol(let tool, let symbol, let library):
            return "FFI tool \(tool): \(library) has no symbol \(symbol); check the name in skill.json"
        case .prepareFailed(let tool, let status):
            return "FFI tool \(tool): libffi cannot prepare the signature (status \(status)); check the declared types"
        case .invalidArgument(let tool, let problem):
            return "\(tool): \(problem)"
        }
    }
}

#if canImport(Glibc)
import Glibc
#endif
import CFFI
import Foundation
import MementoCore

/// A typed FFI skill: C functions of a system library, called through libffi from the
/// signatures in skill.json. Each signature is prepared once (`ffi_prep_cif`) when the skill
/// loads; a call converts JSON arguments exactly (no silent truncation) and returns
/// `{"result": value}`. The library is never unloaded.
public final class FFISkill: @unchecked Sendable {
    public let manifest: SkillManifest
    public var name: String { manifest.name }
    private let tools: [String: PreparedTool]
    /// A C function is not known to be reentrant; calls are serialised.
    private let lock = NSLock()

    public init(manifest: SkillManifest) throws(FFIError) {
        self.manifest = manifest
        guard let soname = manifest.entry?.soname, !soname.isEmpty else {
            throw .libraryNotAllowed(manifest.entry?.library ?? "")
        }
        guard !soname.contains("/"), soname.hasPrefix("lib"), soname.contains(".so") else { throw .libraryNotAllowed(soname) }
        guard let handle = dlopen(soname, RTLD_NOW | RTLD_LOCAL) else {
            throw .libraryUnavailable(soname, reason: dlerror().map { String(cString: $0) } ?? "unknown dlopen error")
        }
        var prepared: [String: PreparedTool] = [:]
        for spec in manifest.tools {
            let signature = try FFISignature(spec)
            guard let function = dlsym(handle, signature.symbol) else {
                throw .missingSymbol(tool: spec.name, symbol: signature.symbol, library: soname)
            }
            prepared[spec.name] = try PreparedTool(signature: signature, function: function)
        }
        tools = prepared
    }

    /// The schema each tool's callers see, generated from its signature.
    public static func inputSchema(of spec: ToolSpec) -> JSONValue? {
        (try? FFISignature(spec))?.inputSchema
    }

    public func call(tool: String, arguments: JSONValue) throws(FFIError) -> JSONValue {
        guard let prepared = tools[tool] else { throw .invalidArgument(tool: tool, "no such FFI tool in \(name)") }
        lock.lock()
        defer { lock.unlock() }
        return try prepared.call(arguments)
    }
}

/// A resolved function with its prepared call interface; both live as long as the process.
private final class PreparedTool: @unchecked Sendable {
    let signature: FFISignature
    let function: @convention(c) () -> Void
    let cif = UnsafeMutablePointer<ffi_cif>.allocate(capacity: 1)
    let types: UnsafeMutablePointer<UnsafeMutablePointer<ffi_type>?>

    init(signature: FFISignature, function: UnsafeMutableRawPointer) throws(FFIError) {
        self.signature = signature
        self.function = unsafeBitCast(function, to: (@convention(c) () -> Void).self)
        types = .allocate(capacity: max(signature.arguments.count, 1))
        for (index, argument) in signature.arguments.enumerated() { types[index] = argument.type.ffiType }
        let status = memento_ffi_prep(cif, UInt32(signature.arguments.count), signature.returns?.ffiType ?? memento_ffi_void(), types)
        guard status == 0 else { throw .prepareFailed(tool: signature.tool, status: status) }
    }

    func call(_ arguments: JSONValue) throws(FFIError) -> JSONValue {
        let tool = signature.tool
        guard case .object(let values) = arguments else { throw .invalidArgument(tool: tool, "arguments must be an object") }
        // One 8-byte slot per argument, and the buffers that string/bytes slots point to.
        let slots = UnsafeMutableRawPointer.allocate(byteCount: 8 * max(signature.arguments.count, 1), alignment: 8)
        let pointers = UnsafeMutablePointer<UnsafeMutableRawPointer?>.allocate(capacity: max(signature.arguments.count, 1))
        var owned: [UnsafeMutableRawPointer] = []
        defer {
            owned.forEach { $0.deallocate() }
            pointers.deallocate()
            slots.deallocate()
        }
        var byteLengths: [String: Int] = [:]
        for argument in signature.arguments where argument.type == .bytes {
            guard let text = values[argument.name]?.stringValue, let data = Data(base64Encoded: text) else {
                throw .invalidArgument(tool: tool, "\(argument.name) must be base64 text")
            }
            let buffer = UnsafeMutableRawPointer.allocate(byteCount: max(data.count, 1), alignment: 8)
            data.copyBytes(to: buffer.assumingMemoryBound(to: UInt8.self), count: data.count)
            owned.append(buffer)
            byteLengths[argument.name] = data.count
            let index = signature.arguments.firstIndex { $0.name == argument.name } ?? 0
            (slots + 8 * index).storeBytes(of: buffer, as: UnsafeMutableRawPointer.self)
        }
        for (index, argument) in signature.arguments.enumerated() {
            let slot = slots + 8 * index
            pointers[index] = slot
            if argument.type == .bytes { continue }
            if let target = argument.lengthOf {
                try store(.number(JSONNumber(byteLengths[target] ?? 0)), argument, into: slot)
                continue
            }
            guard let value = values[argument.name] else { throw .invalidArgument(tool: tool, "\(argument.name) is required") }
            if argument.type == .string {
                guard let text = value.stringValue else { throw .invalidArgument(tool: tool, "\(argument.name) must be a string") }
                guard !text.utf8.contains(0) else { throw .invalidArgument(tool: tool, "\(argument.name) contains a NUL character, which a C string cannot carry") }
                let buffer = UnsafeMutableRawPointer.allocate(byteCount: text.utf8.count + 1, alignment: 1)
                buffer.initializeMemory(as: UInt8.self, from: Array(text.utf8) + [0], count: text.utf8.count + 1)
                owned.append(buffer)
                slot.storeBytes(of: buffer, as: UnsafeMutableRawPointer.self)
            } else {
                try store(value, argument, into: slot)
            }
        }
        // libffi widens integer returns narrower than a register to ffi_arg (8 bytes).
        let result = UnsafeMutableRawPointer.allocate(byteCount: 16, alignment: 16)
        defer { result.deallocate() }
        result.storeBytes(of: UInt64(0), as: UInt64.self)
        ffi_call(cif, function, result, pointers)
        return ["result": PreparedTool.load(signature.returns, from: result)]
    }

    /// Writes a scalar JSON value into its slot at the C type's width, refusing anything that
    /// would not survive the conversion exactly.
    private func store(_ value: JSONValue, _ argument: FFISignature.Argument, into slot: UnsafeMutableRawPointer) throws(FFIError) {
        let tool = signature.tool
        switch argument.type {
        case .float, .double:
            guard case .number(let number) = value else { throw .invalidArgument(tool: tool, "\(argument.name) must be a number") }
            if argument.type == .float {
                slot.storeBytes(of: Float(number.doubleValue), as: Float.self)
            } else {
                slot.storeBytes(of: number.doubleValue, as: Double.self)
            }
        case .bool:
            guard let flag = value.boolValue else { throw .invalidArgument(tool: tool, "\(argument.name) must be true or false") }
            slot.storeBytes(of: Int32(flag ? 1 : 0), as: Int32.self)
        default:
            guard case .number(let number) = value, number.isInteger, let bounds = argument.type.integerBounds else {
                throw .invalidArgument(tool: tool, "\(argument.name) must be an integer")
            }
            // Built only when it is thrown: rendering the bounds costs more than the call.
            func outOfRange() -> FFIError {
                .invalidArgument(tool: tool, "\(argument.name) = \(number.literal) is outside \(argument.type.rawValue) [\(bounds.minimum), \(bounds.maximum)]")
            }
            if argument.type.isSigned {
                guard let wide = number.int64Value, wide >= bounds.minimum, wide <= Int64(clamping: bounds.maximum) else { throw outOfRange() }
                switch argument.type {
                case .int8: slot.storeBytes(of: Int8(wide), as: Int8.self)
                case .int16: slot.storeBytes(of: Int16(wide), as: Int16.self)
                case .int32: slot.storeBytes(of: Int32(wide), as: Int32.self)
                default: slot.storeBytes(of: wide, as: Int64.self)
                }
            } else {
                guard let wide = number.uint64Value, wide <= bounds.maximum else { throw outOfRange() }
                switch argument.type {
                case .uint8: slot.storeBytes(of: UInt8(wide), as: UInt8.self)
                case .uint16: slot.storeBytes(of: UInt16(wide), as: UInt16.self)
                case .uint32: slot.storeBytes(of: UInt32(wide), as: UInt32.self)
                default: slot.storeBytes(of: wide, as: UInt64.self)
                }
            }
        }
    }

    private static func load(_ type: FFIType?, from result: UnsafeMutableRawPointer) -> JSONValue {
        guard let type else { return .null }
        let register = result.load(as: UInt64.self)
        switch type {
        case .float: return JSONNumber(Double(result.load(as: Float.self))).map(JSONValue.number) ?? .null
        case .double: return JSONNumber(result.load(as: Double.self)).map(JSONValue.number) ?? .null
        case .bool: return .bool(Int32(truncatingIfNeeded: register) != 0)
        case .int8: return .number(JSONNumber(Int8(truncatingIfNeeded: register)))
        case .int16: return .number(JSONNumber(Int16(truncatingIfNeeded: register)))
        case .int32: return .number(JSONNumber(Int32(truncatingIfNeeded: register)))
        case .int64: return .number(JSONNumber(Int64(bitPattern: register)))
        case .uint8: return .number(JSONNumber(UInt8(truncatingIfNeeded: register)))
        case .uint16: return .number(JSONNumber(UInt16(truncatingIfNeeded: register)))
        case .uint32: return .number(JSONNumber(UInt32(truncatingIfNeeded: register)))
        case .uint64, .string, .bytes: return .number(JSONNumber(register))
        }
    }
}

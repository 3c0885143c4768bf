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

    /// `{"result": value}`, from arguments already parsed (an in-process call).
    public func call(tool: String, arguments: JSONValue) throws(FFIError) -> JSONValue {
        let prepared = try self.prepared(tool)
        guard case .object(let members) = arguments else { throw .invalidArgument(tool: tool, "arguments must be an object") }
        return [FFISkill.resultKey: try serialised { () throws(FFIError) in try prepared.call(prepared.signature.arguments.map { members[$0.name] }) }]
    }

    /// The same reply as `call`, written as JSON text, from the arguments object as the caller
    /// wrote it (a runner's call; nil when there were none). Only the members the signature
    /// names are parsed.
    public func reply(tool: String, arguments: UnsafeBufferPointer<UInt8>?) throws(FFIError) -> [UInt8] {
        let prepared = try self.prepared(tool)
        let values = try arguments.map { buffer throws(FFIError) in try prepared.values(in: buffer) }
            ?? [JSONValue?](repeating: nil, count: prepared.signature.arguments.count)
        let result = try serialised { () throws(FFIError) in try prepared.call(values) }
        var reply = Array(#"{"\#(FFISkill.resultKey)":"#.utf8)
        result.write(into: &reply)
        reply.append(UInt8(ascii: "}"))
        return reply
    }

    private static let resultKey = "result"

    private func prepared(_ tool: String) throws(FFIError) -> PreparedTool {
        guard let prepared = tools[tool] else { throw .invalidArgument(tool: tool, "no such FFI tool in \(name)") }
        return prepared
    }

    private func serialised<Value>(_ body: () throws(FFIError) -> Value) throws(FFIError) -> Value {
        lock.lock()
        defer { lock.unlock() }
        return try body()
    }
}

/// A resolved function with its prepared call interface; both live as long as the process.
private final class PreparedTool: @unchecked Sendable {
    let signature: FFISignature
    let function: @convention(c) () -> Void
    let cif = UnsafeMutablePointer<ffi_cif>.allocate(capacity: 1)
    let types: UnsafeMutablePointer<UnsafeMutablePointer<ffi_type>?>
    /// For an argument that carries a length (`length_of`), where its bytes argument is.
    let lengthSources: [Int?]

    init(signature: FFISignature, function: UnsafeMutableRawPointer) throws(FFIError) {
        self.signature = signature
        lengthSources = signature.arguments.map { argument in
            argument.lengthOf.flatMap { target in signature.arguments.firstIndex { $0.name == target } }
        }
        self.function = unsafeBitCast(function, to: (@convention(c) () -> Void).self)
        types = .allocate(capacity: max(signature.arguments.count, 1))
        for (index, argument) in signature.arguments.enumerated() { types[index] = argument.type.ffiType }
        let status = memento_ffi_prep(cif, UInt32(signature.arguments.count), signature.returns?.ffiType ?? memento_ffi_void(), types)
        guard status == 0 else { throw .prepareFailed(tool: signature.tool, status: status) }
    }

    /// The value of each of the signature's arguments, in its order, from a JSON object's text:
    /// the last of a repeated name counts, as in a parse, and names the signature lacks are skipped.
    func values(in arguments: UnsafeBufferPointer<UInt8>) throws(FFIError) -> [JSONValue?] {
        let tool = signature.tool
        let names = signature.arguments
        var found = [Range<Int>?](repeating: nil, count: names.count)
        guard arguments.first == UInt8(ascii: "{") else { throw .invalidArgument(tool: tool, "arguments must be an object") }
        do throws(JSONParseError) {
            try JSONValue.validate(arguments) { name, value in
                if let index = names.firstIndex(where: { name.elementsEqual($0.name.utf8) }) { found[index] = value }
            }
            var values = [JSONValue?](repeating: nil, count: names.count)
            for (index, range) in found.enumerated() {
                if let range { values[index] = try JSONValue.parse(UnsafeBufferPointer(rebasing: arguments[range])) }
            }
            return values
        } catch {
            throw .invalidArgument(tool: tool, "arguments are not JSON: \(error)")
        }
    }

    /// Calls the function with `values`, the value of each of the signature's arguments in its
    /// order; returns its result.
    func call(_ values: [JSONValue?]) throws(FFIError) -> JSONValue {
        // Per argument, live for the call only: its 8-byte slot, a pointer to the slot (libffi's
        // argument array), and the byte length of a bytes argument.
        let count = max(signature.arguments.count, 1)
        return try withUnsafeTemporaryAllocation(byteCount: 24 * count, alignment: 8) { scratch throws(FFIError) in
            guard let base = scratch.baseAddress else { return .null }
            base.initializeMemory(as: UInt8.self, repeating: 0, count: 24 * count)
            return try call(values, slots: base, pointers: (base + 8 * count).assumingMemoryBound(to: UnsafeMutableRawPointer?.self),
                            byteLengths: (base + 16 * count).assumingMemoryBound(to: Int.self))
        }
    }

    private func call(_ values: [JSONValue?], slots: UnsafeMutableRawPointer, pointers: UnsafeMutablePointer<UnsafeMutableRawPointer?>,
                      byteLengths: UnsafeMutablePointer<Int>) throws(FFIError) -> JSONValue {
        let tool = signature.tool
        let arguments = signature.arguments
        // String and bytes slots point to buffers of their own; the slots start zeroed, so one
        // that was never filled frees nothing.
        defer {
            for (index, argument) in arguments.enumerated() where argument.type == .string || argument.type == .bytes {
                (slots + 8 * index).load(as: UnsafeMutableRawPointer?.self)?.deallocate()
            }
        }
        for (index, argument) in arguments.enumerated() where argument.type == .bytes {
            guard let text = values[index]?.stringValue, let data = Data(base64Encoded: text) else {
                throw .invalidArgument(tool: tool, "\(argument.name) must be base64 text")
            }
            let buffer = UnsafeMutableRawPointer.allocate(byteCount: max(data.count, 1), alignment: 8)
            data.copyBytes(to: buffer.assumingMemoryBound(to: UInt8.self), count: data.count)
            (slots + 8 * index).storeBytes(of: buffer, as: UnsafeMutableRawPointer.self)
            byteLengths[index] = data.count
        }
        for (index, argument) in arguments.enumerated() {
            let slot = slots + 8 * index
            pointers[index] = slot
            if argument.type == .bytes { continue }
            if argument.lengthOf != nil {
                let length = lengthSources[index].map { byteLengths[$0] } ?? 0
                try storeInteger(signed: Int64(length), unsigned: UInt64(length), shown: String(length), argument, into: slot)
                continue
            }
            guard let value = values[index] else { throw .invalidArgument(tool: tool, "\(argument.name) is required") }
            if argument.type == .string {
                guard let text = value.stringValue else { throw .invalidArgument(tool: tool, "\(argument.name) must be a string") }
                guard !text.utf8.contains(0) else { throw .invalidArgument(tool: tool, "\(argument.name) contains a NUL character, which a C string cannot carry") }
                let buffer = UnsafeMutableRawPointer.allocate(byteCount: text.utf8.count + 1, alignment: 1)
                buffer.initializeMemory(as: UInt8.self, from: Array(text.utf8) + [0], count: text.utf8.count + 1)
                slot.storeBytes(of: buffer, as: UnsafeMutableRawPointer.self)
            } else {
                try store(value, argument, into: slot)
            }
        }
        // libffi widens integer returns narrower than a register to ffi_arg (8 bytes).
        return withUnsafeTemporaryAllocation(byteCount: 16, alignment: 16) { result in
            guard let base = result.baseAddress else { return .null }
            base.storeBytes(of: UInt64(0), as: UInt64.self)
            ffi_call(cif, function, base, pointers)
            return PreparedTool.load(signature.returns, from: base)
        }
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
            guard case .number(let number) = value, number.isInteger else { throw .invalidArgument(tool: tool, "\(argument.name) must be an integer") }
            let signed = argument.type.isSigned
            try storeInteger(signed: signed ? number.int64Value : nil, unsigned: signed ? nil : number.uint64Value, shown: number.literal, argument, into: slot)
        }
    }

    /// Writes an integer into its slot at the C type's width, refusing one outside the type's
    /// range. `signed` or `unsigned`, whichever the type is, holds the value (nil when it does not
    /// fit 64 bits); `shown` names it in the error.
    private func storeInteger(signed: Int64?, unsigned: UInt64?, shown: @autoclosure () -> String,
                              _ argument: FFISignature.Argument, into slot: UnsafeMutableRawPointer) throws(FFIError) {
        guard let bounds = argument.type.integerBounds else { throw .invalidArgument(tool: signature.tool, "\(argument.name) must be an integer") }
        // Built only when it is thrown: rendering the bounds costs more than the call.
        func outOfRange() -> FFIError {
            .invalidArgument(tool: signature.tool, "\(argument.name) = \(shown()) is outside \(argument.type.rawValue) [\(bounds.minimum), \(bounds.maximum)]")
        }
        if argument.type.isSigned {
            guard let wide = signed, wide >= bounds.minimum, wide <= Int64(clamping: bounds.maximum) else { throw outOfRange() }
            switch argument.type {
            case .int8: slot.storeBytes(of: Int8(wide), as: Int8.self)
            case .int16: slot.storeBytes(of: Int16(wide), as: Int16.self)
            case .int32: slot.storeBytes(of: Int32(wide), as: Int32.self)
            default: slot.storeBytes(of: wide, as: Int64.self)
            }
        } else {
            guard let wide = unsigned, wide <= bounds.maximum else { throw outOfRange() }
            switch argument.type {
            case .uint8: slot.storeBytes(of: UInt8(wide), as: UInt8.self)
            case .uint16: slot.storeBytes(of: UInt16(wide), as: UInt16.self)
            case .uint32: slot.storeBytes(of: UInt32(wide), as: UInt32.self)
            default: slot.storeBytes(of: wide, as: UInt64.self)
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

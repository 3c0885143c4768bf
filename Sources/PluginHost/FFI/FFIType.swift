import CFFI
import MementoCore

/// The value types a typed FFI tool may declare (plugin-abi.md §10): scalars, `string` (an input
/// `const char*`) and `bytes` (an input pointer whose length another argument carries).
enum FFIType: String, Sendable, CaseIterable {
    case int8, int16, int32, int64, uint8, uint16, uint32, uint64, float, double, bool, string, bytes

    var ffiType: UnsafeMutablePointer<ffi_type> {
        switch self {
        case .int8: return memento_ffi_sint8()
        case .int16: return memento_ffi_sint16()
        // C passes a bool as an int.
        case .int32, .bool: return memento_ffi_sint32()
        case .int64: return memento_ffi_sint64()
        case .uint8: return memento_ffi_uint8()
        case .uint16: return memento_ffi_uint16()
        case .uint32: return memento_ffi_uint32()
        case .uint64: return memento_ffi_uint64()
        case .float: return memento_ffi_float()
        case .double: return memento_ffi_double()
        case .string, .bytes: return memento_ffi_pointer()
        }
    }

    /// The exact range of an integer type, as JSON numbers; nil for other types.
    var integerRange: (minimum: JSONNumber, maximum: JSONNumber)? {
        switch self {
        case .int8: return (JSONNumber(Int8.min), JSONNumber(Int8.max))
        case .int16: return (JSONNumber(Int16.min), JSONNumber(Int16.max))
        case .int32: return (JSONNumber(Int32.min), JSONNumber(Int32.max))
        case .int64: return (JSONNumber(Int64.min), JSONNumber(Int64.max))
        case .uint8: return (JSONNumber(0), JSONNumber(UInt8.max))
        case .uint16: return (JSONNumber(0), JSONNumber(UInt16.max))
        case .uint32: return (JSONNumber(0), JSONNumber(UInt32.max))
        case .uint64: return (JSONNumber(0), JSONNumber(UInt64.max))
        default: return nil
        }
    }

    var isSigned: Bool { [.int8, .int16, .int32, .int64].contains(self) }

    /// Only scalars come back: a returned pointer would need an ownership rule v1 does not have.
    var canBeReturned: Bool { self != .string && self != .bytes }

    /// The JSON Schema of an argument of this type; integer bounds are exact.
    var schema: JSONValue {
        if let range = integerRange { return ["type": "integer", "minimum": .number(range.minimum), "maximum": .number(range.maximum)] }
        switch self {
        case .float, .double: return ["type": "number"]
        case .bool: return ["type": "boolean"]
        case .bytes: return ["type": "string", "contentEncoding": "base64"]
        default: return ["type": "string"]
        }
    }
}

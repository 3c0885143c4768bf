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

    /// The exact range of an integer type; nil for other types.
    var integerBounds: (minimum: Int64, maximum: UInt64)? {
        switch self {
        case .int8: return (Int64(Int8.min), UInt64(Int8.max))
        case .int16: return (Int64(Int16.min), UInt64(Int16.max))
        case .int32: return (Int64(Int32.min), UInt64(Int32.max))
        case .int64: return (Int64.min, UInt64(Int64.max))
        case .uint8: return (0, UInt64(UInt8.max))
        case .uint16: return (0, UInt64(UInt16.max))
        case .uint32: return (0, UInt64(UInt32.max))
        case .uint64: return (0, UInt64.max)
        default: return nil
        }
    }

    var isSigned: Bool { (integerBounds?.minimum ?? 0) < 0 }

    /// Only scalars come back: a returned pointer would need an ownership rule v1 does not have.
    var canBeReturned: Bool { self != .string && self != .bytes }

    /// The JSON Schema of an argument of this type; integer bounds are exact.
    var schema: JSONValue {
        if let bounds = integerBounds { return ["type": "integer", "minimum": .number(JSONNumber(bounds.minimum)), "maximum": .number(JSONNumber(bounds.maximum))] }
        switch self {
        case .float, .double: return ["type": "number"]
        case .bool: return ["type": "boolean"]
        case .bytes: return ["type": "string", "contentEncoding": "base64"]
        default: return ["type": "string"]
        }
    }
}

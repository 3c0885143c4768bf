/// The parts of an ELF file the native layer needs, parsed from bytes with bounds checks on every
/// read: class, byte order, machine, dynamic symbols and NEEDED entries. Nothing is ever loaded.
struct ELFFile: Sendable {
    enum ParseError: Error, Equatable, CustomStringConvertible {
        case truncated(String)
        case invalid(String)

        var description: String {
            switch self {
            case .truncated(let what): return "truncated \(what)"
            case .invalid(let what): return "invalid \(what)"
            }
        }
    }

    let is64Bit: Bool
    let littleEndian: Bool
    let machine: UInt16
    /// Undefined dynamic symbols: functions the binary expects a library to provide.
    let imports: Set<String>
    /// Defined global dynamic symbols.
    let exports: Set<String>
    let needed: [String]

    var machineName: String {
        switch machine {
        case 3: return "x86"
        case 40: return "arm"
        case 62: return "x86_64"
        case 183: return "aarch64"
        case 243: return "riscv"
        default: return "machine \(machine)"
        }
    }

    /// The machine this host runs, to compare native entries against.
    static var hostMachine: UInt16 {
        #if arch(x86_64)
        return 62
        #elseif arch(arm64)
        return 183
        #else
        return 0
        #endif
    }

    init(_ bytes: [UInt8]) throws(ParseError) {
        guard bytes.count >= 52, bytes.starts(with: [0x7F, 0x45, 0x4C, 0x46]) else { throw .truncated("ELF header") }
        guard bytes[4] == 1 || bytes[4] == 2 else { throw .invalid("ELF class \(bytes[4])") }
        guard bytes[5] == 1 || bytes[5] == 2 else { throw .invalid("ELF data encoding \(bytes[5])") }
        let reader = Reader(bytes: bytes, littleEndian: bytes[5] == 1, is64Bit: bytes[4] == 2)
        is64Bit = reader.is64Bit
        littleEndian = reader.littleEndian
        machine = try reader.u16(18)
        let sectionOffset = try reader.word(is64Bit ? 0x28 : 0x20)
        let entrySize = Int(try reader.u16(is64Bit ? 0x3A : 0x2E))
        let count = Int(try reader.u16(is64Bit ? 0x3C : 0x30))
        guard count == 0 || entrySize >= (is64Bit ? 64 : 40) else { throw .invalid("section header size \(entrySize)") }
        guard count <= 65_535, sectionOffset <= UInt64(bytes.count) else { throw .truncated("section table") }

        struct Section { let type: UInt32; let offset: Int; let size: Int; let link: Int; let entrySize: Int }
        var sections: [Section] = []
        for index in 0..<count {
            let base = Int(sectionOffset) + index * entrySize
            let type = try reader.u32(base + 4)
            let offset = try reader.word(base + (is64Bit ? 0x18 : 0x10))
            let size = try reader.word(base + (is64Bit ? 0x20 : 0x14))
            let link = try reader.u32(base + (is64Bit ? 0x28 : 0x18))
            let entry = try reader.word(base + (is64Bit ? 0x38 : 0x24))
            guard offset <= UInt64(bytes.count), size <= UInt64(bytes.count) - offset else {
                if type == 8 { sections.append(Section(type: type, offset: 0, size: 0, link: 0, entrySize: 0)); continue } // NOBITS
                throw .truncated("section \(index)")
            }
            sections.append(Section(type: type, offset: Int(offset), size: Int(size), link: Int(link), entrySize: Int(clamping: min(entry, 1 << 16))))
        }

        func string(in table: Int, at offset: Int) throws(ParseError) -> String {
            guard sections.indices.contains(table) else { throw .invalid("string table index \(table)") }
            let section = sections[table]
            guard offset < section.size else { throw .invalid("string offset \(offset)") }
            let start = section.offset + offset
            let end = bytes[start..<(section.offset + section.size)].firstIndex(of: 0) ?? (section.offset + section.size)
            return String(decoding: bytes[start..<end], as: UTF8.self)
        }

        var imports: Set<String> = []
        var exports: Set<String> = []
        var needed: [String] = []
        for section in sections {
            switch section.type {
            case 11: // SHT_DYNSYM
                let size = is64Bit ? 24 : 16
                guard section.entrySize == 0 || section.entrySize >= size else { throw .invalid("symbol size") }
                let stride = max(section.entrySize, size)
                for index in 1..<max(1, section.size / stride) {
                    let base = section.offset + index * stride
                    let nameOffset = Int(try reader.u32(base))
                    let info = is64Bit ? try reader.u8(base + 4) : try reader.u8(base + 12)
                    let sectionIndex = is64Bit ? try reader.u16(base + 6) : try reader.u16(base + 14)
                    let name = try string(in: section.link, at: nameOffset)
                    guard !name.isEmpty else { continue }
                    let binding = info >> 4
                    if sectionIndex == 0 { imports.insert(name) } else if binding == 1 || binding == 2 { exports.insert(name) }
                }
            case 6: // SHT_DYNAMIC
                let size = is64Bit ? 16 : 8
                for index in 0..<(section.size / size) {
                    let base = section.offset + index * size
                    let tag = try reader.word(base)
                    if tag == 0 { break }
                    if tag == 1 { needed.append(try string(in: section.link, at: Int(clamping: try reader.word(base + (is64Bit ? 8 : 4))))) }
                }
            default:
                continue
            }
        }
        self.imports = imports
        self.exports = exports
        self.needed = needed
    }

    private struct Reader {
        let bytes: [UInt8]
        let littleEndian: Bool
        let is64Bit: Bool

        func value(_ offset: Int, _ width: Int) throws(ParseError) -> UInt64 {
            guard offset >= 0, width <= bytes.count, offset <= bytes.count - width else { throw .truncated("field at \(offset)") }
            var result: UInt64 = 0
            for index in 0..<width {
                let byte = UInt64(bytes[offset + (littleEndian ? width - 1 - index : index)])
                result = result << 8 | byte
            }
            return result
        }

        func u8(_ offset: Int) throws(ParseError) -> UInt8 { UInt8(try value(offset, 1)) }
        func u16(_ offset: Int) throws(ParseError) -> UInt16 { UInt16(try value(offset, 2)) }
        func u32(_ offset: Int) throws(ParseError) -> UInt32 { UInt32(try value(offset, 4)) }
        /// An address or offset: 8 bytes in ELF64, 4 in ELF32.
        func word(_ offset: Int) throws(ParseError) -> UInt64 { try value(offset, is64Bit ? 8 : 4) }
    }
}

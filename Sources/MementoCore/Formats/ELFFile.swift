/// A read-only view of an ELF object, parsed from bytes without loading it.
///
/// `dlopen` runs code (ELF constructors, Swift image registration), so everything decided about
/// a binary before loading it — the plugin host's load checks and `verify`'s native layer — comes
/// from here: class, byte order, type, machine, the dynamic symbols it defines and needs, and the
/// libraries it depends on. Both classes and byte orders are read, so an audit can say what a
/// foreign binary is; every offset is bounds-checked, so a truncated or hostile file is an
/// `ELFError`, never a crash.
public struct ELFFile: Sendable {
    public enum FileType: Sendable, Equatable {
        case relocatable, executable, sharedObject, core, other(UInt16)
    }

    public let is64Bit: Bool
    public let littleEndian: Bool
    public let fileType: FileType
    /// `e_machine`: 62 is x86-64, 183 is AArch64.
    public let machine: UInt16
    /// Names of the defined, global or weak symbols in `.dynsym`, in table order.
    public let exportedSymbols: [String]
    /// Undefined dynamic symbols: what the object expects a library to provide (`execve`, `connect`).
    public let importedSymbols: Set<String>
    /// `DT_NEEDED` entries of the dynamic section, in order.
    public let neededLibraries: [String]

    public static let machineX86_64: UInt16 = 62
    public static let machineAArch64: UInt16 = 183

    /// The machine this host runs on; a plugin for another machine cannot load.
    public static var hostMachine: UInt16 {
        #if arch(arm64)
        return machineAArch64
        #else
        return machineX86_64
        #endif
    }

    public var machineName: String {
        switch machine {
        case 3: return "x86"
        case 40: return "arm"
        case 62: return "x86_64"
        case 183: return "aarch64"
        case 243: return "riscv"
        default: return "machine \(machine)"
        }
    }

    public init(bytes: [UInt8]) throws(ELFError) {
        guard bytes.starts(with: [0x7F, 0x45, 0x4C, 0x46]) else {
            throw bytes.count < 4 && [0x7F, 0x45, 0x4C, 0x46].starts(with: bytes) ? .truncated("the file is \(bytes.count) bytes") : .notELF
        }
        guard bytes.count > 5 else { throw .truncated("the file is \(bytes.count) bytes, shorter than an ELF header") }
        guard bytes[4] == 1 || bytes[4] == 2 else { throw .unsupportedClass(bytes[4]) }
        guard bytes[5] == 1 || bytes[5] == 2 else { throw .unsupportedByteOrder }
        is64Bit = bytes[4] == 2
        littleEndian = bytes[5] == 1
        guard bytes.count >= (is64Bit ? 64 : 52) else { throw .truncated("the file is \(bytes.count) bytes, shorter than an ELF header") }
        let reader = ByteReader(bytes: bytes, littleEndian: littleEndian, is64Bit: is64Bit)

        switch try reader.u16(16) {
        case 1: fileType = .relocatable
        case 2: fileType = .executable
        case 3: fileType = .sharedObject
        case 4: fileType = .core
        case let other: fileType = .other(other)
        }
        machine = try reader.u16(18)

        let sectionTable = try reader.word(is64Bit ? 0x28 : 0x20)
        let headerSize = Int(try reader.u16(is64Bit ? 0x3A : 0x2E))
        let count = Int(try reader.u16(is64Bit ? 0x3C : 0x30))
        guard count == 0 || headerSize >= (is64Bit ? 64 : 40) else {
            throw .malformed("section header entries are \(headerSize) bytes, expected at least \(is64Bit ? 64 : 40)")
        }
        var sections: [Section] = []
        for index in 0..<count {
            let base = try reader.offset(sectionTable, plus: UInt64(index * headerSize))
            let type = try reader.u32(base + 4)
            let offset = try reader.word(base + (is64Bit ? 0x18 : 0x10))
            let size = try reader.word(base + (is64Bit ? 0x20 : 0x14))
            let (end, overflow) = offset.addingReportingOverflow(size)
            if type != Section.noBits, overflow || end > UInt64(bytes.count) {
                throw .truncated("section \(index) ends at \(end), past the end of the \(bytes.count)-byte file")
            }
            sections.append(Section(type: type, offset: offset, size: type == Section.noBits ? 0 : size,
                                    link: try reader.u32(base + (is64Bit ? 0x28 : 0x18)),
                                    entrySize: try reader.word(base + (is64Bit ? 0x38 : 0x24))))
        }

        var exported: [String] = []
        var imported: Set<String> = []
        var needed: [String] = []
        for section in sections {
            switch section.type {
            case Section.dynsym:
                let strings = try ELFFile.linked(section, in: sections)
                // Record 0 is the reserved null symbol.
                for symbol in try reader.records(of: section, minimumSize: is64Bit ? 24 : 16).dropFirst() {
                    let info = try reader.u8(symbol + (is64Bit ? 4 : 12))
                    let sectionIndex = try reader.u16(symbol + (is64Bit ? 6 : 14))
                    let name = try reader.string(in: strings, at: UInt64(try reader.u32(symbol)))
                    guard !name.isEmpty else { continue }
                    let binding = info >> 4
                    // Undefined (SHN_UNDEF) is an import; defined GLOBAL (1) or WEAK (2) an export.
                    if sectionIndex == 0 {
                        imported.insert(name)
                    } else if binding == 1 || binding == 2 {
                        exported.append(name)
                    }
                }
            case Section.dynamic:
                let strings = try ELFFile.linked(section, in: sections)
                for entry in try reader.records(of: section, minimumSize: is64Bit ? 16 : 8) {
                    let tag = try reader.word(entry)
                    if tag == 0 { break }  // DT_NULL ends the table.
                    if tag == 1 { needed.append(try reader.string(in: strings, at: try reader.word(entry + (is64Bit ? 8 : 4)))) }  // DT_NEEDED
                }
            default:
                continue
            }
        }
        exportedSymbols = exported
        importedSymbols = imported
        neededLibraries = needed
    }

    private static func linked(_ section: Section, in sections: [Section]) throws(ELFError) -> Section {
        guard Int(section.link) < sections.count else { throw .malformed("a section links to string table \(section.link), which does not exist") }
        return sections[Int(section.link)]
    }

    struct Section {
        static let dynamic: UInt32 = 6
        static let noBits: UInt32 = 8
        static let dynsym: UInt32 = 11
        let type: UInt32
        let offset: UInt64
        let size: UInt64
        let link: UInt32
        let entrySize: UInt64
    }
}

/// Why a file is not a usable ELF object.
public enum ELFError: Error, Equatable, Sendable, CustomStringConvertible {
    case notELF
    case truncated(String)
    case unsupportedClass(UInt8)
    case unsupportedByteOrder
    case malformed(String)

    public var description: String {
        switch self {
        case .notELF: return "not an ELF file (the first bytes are not \\x7fELF)"
        case .truncated(let detail): return "truncated ELF file: \(detail)"
        case .unsupportedClass(let value): return "ELF class \(value) is not supported; native skills must be 64-bit (ELFCLASS64)"
        case .unsupportedByteOrder: return "the byte order is not supported; native skills must be little-endian"
        case .malformed(let detail): return "malformed ELF file: \(detail)"
        }
    }
}

/// Reads at file offsets in the file's byte order, each checked against the file's size.
private struct ByteReader {
    let bytes: [UInt8]
    let littleEndian: Bool
    let is64Bit: Bool

    func offset(_ base: UInt64, plus delta: UInt64) throws(ELFError) -> Int {
        let (sum, overflow) = base.addingReportingOverflow(delta)
        guard !overflow, sum < UInt64(bytes.count) else { throw .truncated("offset \(base)+\(delta) is past the end of the \(bytes.count)-byte file") }
        return Int(sum)
    }

    private func value(_ at: Int, _ width: Int) throws(ELFError) -> UInt64 {
        guard at >= 0, width <= bytes.count, at <= bytes.count - width else {
            throw .truncated("a \(width)-byte field at offset \(at) is past the end of the \(bytes.count)-byte file")
        }
        var value: UInt64 = 0
        for index in 0..<width {
            value = value << 8 | UInt64(bytes[at + (littleEndian ? width - 1 - index : index)])
        }
        return value
    }

    func u8(_ at: Int) throws(ELFError) -> UInt8 { UInt8(try value(at, 1)) }
    func u16(_ at: Int) throws(ELFError) -> UInt16 { UInt16(try value(at, 2)) }
    func u32(_ at: Int) throws(ELFError) -> UInt32 { UInt32(try value(at, 4)) }
    /// An address or offset: 8 bytes in ELF64, 4 in ELF32.
    func word(_ at: Int) throws(ELFError) -> UInt64 { try value(at, is64Bit ? 8 : 4) }

    /// The file offsets of the fixed-size records a section holds. An entry size of 0 (left
    /// unset by some linkers) means the record's own size.
    func records(of section: ELFFile.Section, minimumSize: UInt64) throws(ELFError) -> [Int] {
        guard section.entrySize == 0 || section.entrySize >= minimumSize else {
            throw .malformed("section entries are \(section.entrySize) bytes, expected at least \(minimumSize)")
        }
        let stride = max(section.entrySize, minimumSize)
        return (0..<(section.size / stride)).map { Int(section.offset + $0 * stride) }
    }

    /// A NUL-terminated string inside a string-table section.
    func string(in table: ELFFile.Section, at index: UInt64) throws(ELFError) -> String {
        guard index < table.size else { throw .malformed("string index \(index) is outside its \(table.size)-byte table") }
        let start = try offset(table.offset, plus: index)
        let limit = Int(min(UInt64(bytes.count), table.offset &+ table.size))
        guard let end = bytes[start..<max(start, limit)].firstIndex(of: 0) else { throw .malformed("a string at offset \(start) is not terminated") }
        return String(decoding: bytes[start..<end], as: UTF8.self)
    }
}

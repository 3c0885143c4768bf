/// A read-only view of a 64-bit little-endian ELF shared object, parsed without loading it.
///
/// `dlopen` runs code (ELF constructors, Swift image registration), so everything the host
/// decides before loading comes from here: the header, the dynamic symbol table and the
/// libraries the object needs. Every offset read from the file is bounds-checked, so a
/// truncated or hostile file is an `ELFError`, never a crash.
public struct ELFFile: Sendable {
    public enum FileType: Sendable, Equatable {
        case relocatable, executable, sharedObject, core, other(UInt16)
    }

    public let fileType: FileType
    /// `e_machine`: 62 is x86-64, 183 is AArch64.
    public let machine: UInt16
    /// Names of the defined, global or weak symbols in `.dynsym`.
    public let exportedSymbols: [String]
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

    public init(bytes: [UInt8]) throws(ELFError) {
        let reader = ByteReader(bytes)
        guard bytes.starts(with: [0x7F, 0x45, 0x4C, 0x46]) else {
            throw bytes.count < 4 && [0x7F, 0x45, 0x4C, 0x46].starts(with: bytes) ? .truncated("the file is \(bytes.count) bytes") : .notELF
        }
        guard bytes.count >= 64 else { throw .truncated("the file is \(bytes.count) bytes, shorter than an ELF header") }
        guard bytes[4] == 2 else { throw .unsupportedClass(bytes[4]) }
        guard bytes[5] == 1 else { throw .unsupportedByteOrder }

        switch try reader.u16(16) {
        case 1: fileType = .relocatable
        case 2: fileType = .executable
        case 3: fileType = .sharedObject
        case 4: fileType = .core
        case let other: fileType = .other(other)
        }
        machine = try reader.u16(18)

        let sectionTable = try reader.u64(40)
        let entrySize = Int(try reader.u16(58))
        let count = Int(try reader.u16(60))
        guard count == 0 || entrySize >= 64 else { throw .malformed("section header entries are \(entrySize) bytes, expected 64") }
        var sections: [Section] = []
        for index in 0..<count {
            let base = try reader.offset(sectionTable, plus: UInt64(index * entrySize))
            sections.append(Section(type: try reader.u32(base + 4), offset: try reader.u64(base + 24), size: try reader.u64(base + 32),
                                    link: try reader.u32(base + 40), entrySize: try reader.u64(base + 56)))
        }

        var symbols: [String] = []
        var needed: [String] = []
        for section in sections {
            switch section.type {
            case Section.dynsym:
                let strings = try ELFFile.linked(section, in: sections)
                for symbol in try reader.records(of: section, minimumSize: 24) {
                    let info = try reader.u8(symbol + 4)
                    let binding = info >> 4
                    let sectionIndex = try reader.u16(symbol + 6)
                    // Defined (section index not SHN_UNDEF) and GLOBAL (1) or WEAK (2).
                    guard sectionIndex != 0, binding == 1 || binding == 2 else { continue }
                    symbols.append(try reader.string(in: strings, at: UInt64(try reader.u32(symbol))))
                }
            case Section.dynamic:
                let strings = try ELFFile.linked(section, in: sections)
                for entry in try reader.records(of: section, minimumSize: 16) {
                    let tag = try reader.u64(entry)
                    if tag == 0 { break }  // DT_NULL ends the table.
                    if tag == 1 { needed.append(try reader.string(in: strings, at: try reader.u64(entry + 8))) }  // DT_NEEDED
                }
            default:
                continue
            }
        }
        exportedSymbols = symbols
        neededLibraries = needed
    }

    private static func linked(_ section: Section, in sections: [Section]) throws(ELFError) -> Section {
        guard Int(section.link) < sections.count else { throw .malformed("a section links to string table \(section.link), which does not exist") }
        return sections[Int(section.link)]
    }

    struct Section {
        static let dynamic: UInt32 = 6
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
        case .unsupportedByteOrder: return "big-endian ELF is not supported; native skills must be little-endian"
        case .malformed(let detail): return "malformed ELF file: \(detail)"
        }
    }
}

/// Little-endian reads at file offsets, each checked against the file's size.
private struct ByteReader {
    let bytes: [UInt8]
    init(_ bytes: [UInt8]) { self.bytes = bytes }

    func offset(_ base: UInt64, plus delta: UInt64) throws(ELFError) -> Int {
        let (sum, overflow) = base.addingReportingOverflow(delta)
        guard !overflow, sum < UInt64(bytes.count) else { throw .truncated("offset \(base)+\(delta) is past the end of the \(bytes.count)-byte file") }
        return Int(sum)
    }

    private func little(_ at: Int, _ width: Int) throws(ELFError) -> UInt64 {
        guard at >= 0, at <= bytes.count - width else { throw .truncated("a \(width)-byte field at offset \(at) is past the end of the \(bytes.count)-byte file") }
        var value: UInt64 = 0
        for index in (0..<width).reversed() { value = value << 8 | UInt64(bytes[at + index]) }
        return value
    }

    func u8(_ at: Int) throws(ELFError) -> UInt8 { UInt8(try little(at, 1)) }
    func u16(_ at: Int) throws(ELFError) -> UInt16 { UInt16(try little(at, 2)) }
    func u32(_ at: Int) throws(ELFError) -> UInt32 { UInt32(try little(at, 4)) }
    func u64(_ at: Int) throws(ELFError) -> UInt64 { try little(at, 8) }

    /// The file offsets of the fixed-size records a section holds.
    func records(of section: ELFFile.Section, minimumSize: UInt64) throws(ELFError) -> [Int] {
        guard section.entrySize >= minimumSize else { throw .malformed("section entries are \(section.entrySize) bytes, expected at least \(minimumSize)") }
        let (end, overflow) = section.offset.addingReportingOverflow(section.size)
        guard !overflow, end <= UInt64(bytes.count) else { throw .truncated("a section ends at \(end), past the end of the \(bytes.count)-byte file") }
        let count = section.size / section.entrySize
        return (0..<count).map { Int(section.offset + $0 * section.entrySize) }
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

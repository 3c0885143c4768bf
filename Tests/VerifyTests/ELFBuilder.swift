/// Writes minimal but well-formed ELF64 little-endian shared objects: a dynamic string table, a
/// dynamic symbol table (imports undefined, exports defined) and a dynamic section with NEEDED.
enum ELFBuilder {
    static func sharedObject(machine: UInt16 = 62, imports: [String] = [], exports: [String] = [], needed: [String] = []) -> [UInt8] {
        var strings: [UInt8] = [0]
        func intern(_ name: String) -> UInt32 {
            let offset = UInt32(strings.count)
            strings += Array(name.utf8) + [0]
            return offset
        }
        var symbols = [UInt8](repeating: 0, count: 24)
        for (name, defined) in imports.map({ ($0, false) }) + exports.map({ ($0, true) }) {
            var entry: [UInt8] = []
            entry += le(intern(name))
            entry += [0x12, 0]                      // STB_GLOBAL | STT_FUNC, default visibility
            entry += le(UInt16(defined ? 1 : 0))     // section index: 0 means undefined (an import)
            entry += le(UInt64(0)) + le(UInt64(0))
            symbols += entry
        }
        var dynamic: [UInt8] = []
        for library in needed { dynamic += le(UInt64(1)) + le(UInt64(intern(library))) }
        dynamic += le(UInt64(0)) + le(UInt64(0))

        let stringsOffset = 64
        let symbolsOffset = stringsOffset + strings.count
        let dynamicOffset = symbolsOffset + symbols.count
        let sectionsOffset = dynamicOffset + dynamic.count

        var header = [UInt8](repeating: 0, count: 64)
        header.replaceSubrange(0..<8, with: [0x7F, 0x45, 0x4C, 0x46, 2, 1, 1, 0])
        header.replaceSubrange(16..<18, with: le(UInt16(3)))
        header.replaceSubrange(18..<20, with: le(machine))
        header.replaceSubrange(20..<24, with: le(UInt32(1)))
        header.replaceSubrange(40..<48, with: le(UInt64(sectionsOffset)))
        header.replaceSubrange(52..<54, with: le(UInt16(64)))
        header.replaceSubrange(58..<60, with: le(UInt16(64)))
        header.replaceSubrange(60..<62, with: le(UInt16(4)))

        func section(type: UInt32, offset: Int, size: Int, link: UInt32, entrySize: UInt64) -> [UInt8] {
            le(UInt32(0)) + le(type) + le(UInt64(0)) + le(UInt64(0)) + le(UInt64(offset)) + le(UInt64(size))
                + le(link) + le(UInt32(0)) + le(UInt64(8)) + le(entrySize)
        }
        let sections = [UInt8](repeating: 0, count: 64)
            + section(type: 3, offset: stringsOffset, size: strings.count, link: 0, entrySize: 0)
            + section(type: 11, offset: symbolsOffset, size: symbols.count, link: 1, entrySize: 24)
            + section(type: 6, offset: dynamicOffset, size: dynamic.count, link: 1, entrySize: 16)
        return header + strings + symbols + dynamic + sections
    }

    static func le<T: FixedWidthInteger>(_ value: T) -> [UInt8] {
        withUnsafeBytes(of: value.littleEndian) { Array($0) }
    }
}

import MementoCore

/// Layer 4: ELF binaries, parsed (never loaded): machine, imports against declared permissions, NEEDED.
struct NativeLayer: AuditLayer {
    let name = LayerName.native

    static let processImports: Set<String> = ["execve", "execv", "execvp", "execvpe", "execl", "execlp", "execle", "system", "popen",
                                              "posix_spawn", "posix_spawnp", "fork", "vfork", "fexecve"]
    static let networkImports: Set<String> = ["connect", "socket", "getaddrinfo", "gethostbyname", "sendto", "bind", "listen", "accept",
                                              "curl_easy_perform", "SSL_connect"]

    func run(_ context: inout AuditContext) -> LayerOutcome {
        let binaries = context.tree.regularFiles.filter { ContentType.sniff($0.bytes) == .elf }
        guard !binaries.isEmpty else { return .ran }
        let permissions = context.manifest?.permissions
        let declaredEntry = context.manifest?.entry?.library.map(SkillTree.normalised)
        var findings: [Finding] = []
        for file in binaries {
            // A binary over the read limit was only hashed; the structure layer already says so.
            guard file.bytes.count == file.size else { continue }
            let elf: ELFFile
            do {
                elf = try ELFFile(bytes: file.bytes)
            } catch {
                findings.append(Finding(rule: RuleCatalogue.nativeMalformed, origin: .tree, file: file.path, line: nil, evidence: "\(error)"))
                continue
            }
            let isEntry = file.path == declaredEntry
            if isEntry && (elf.machine != ELFFile.hostMachine || !elf.is64Bit) {
                findings.append(Finding(rule: RuleCatalogue.nativeForeignMachine, origin: .tree, file: file.path, line: nil,
                                        evidence: "\(elf.is64Bit ? "ELF64" : "ELF32") \(elf.littleEndian ? "LSB" : "MSB") \(elf.machineName)"))
            }
            if isEntry && context.manifest?.kind == .native && !elf.exportedSymbols.contains("skill_abi_v1_entry") {
                findings.append(Finding(rule: RuleCatalogue.nativeMissingEntry, origin: .tree, file: file.path, line: nil,
                                        evidence: "\(elf.exportedSymbols.count) exported symbols"))
            }
            let spawns = elf.importedSymbols.intersection(Self.processImports).sorted()
            if !spawns.isEmpty && (permissions?.executables.isEmpty ?? true) {
                findings.append(Finding(rule: RuleCatalogue.nativeUndeclaredExec, origin: .tree, file: file.path, line: nil,
                                        evidence: spawns.joined(separator: ", ")))
            }
            let sockets = elf.importedSymbols.intersection(Self.networkImports).sorted()
            if !sockets.isEmpty && (permissions?.network.isEmpty ?? true) {
                findings.append(Finding(rule: RuleCatalogue.nativeUndeclaredNetwork, origin: .tree, file: file.path, line: nil,
                                        evidence: sockets.joined(separator: ", ")))
            }
            if elf.importedSymbols.contains("ptrace") {
                findings.append(Finding(rule: RuleCatalogue.nativeDebugger, origin: .tree, file: file.path, line: nil, evidence: "ptrace"))
            }
            if !elf.neededLibraries.isEmpty {
                findings.append(Finding(rule: RuleCatalogue.nativeNeeded, origin: .tree, file: file.path, line: nil,
                                        evidence: elf.neededLibraries.joined(separator: ", ")))
            }
        }
        context.findings += findings
        return .ran
    }
}

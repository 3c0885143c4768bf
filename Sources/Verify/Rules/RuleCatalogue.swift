/// Every rule `verify` can report. Adding a rule bumps `version`; ids are never reused.
public enum RuleCatalogue {
    /// Part of a verdict's cache key: a verdict is reproducible for a tree hash, verify version and rules version.
    public static let version = "2026.11.2"

    // MARK: Structure
    static let structSymlinkEscape = Rule("STRUCT-SYMLINK-ESCAPE", "Symlink leaves the skill folder", .critical, .high, .structure, .structure,
        blocks: .code, overridable: false, message: "a symbolic link points outside the skill folder, so reading the skill reads other files of the host",
        fix: "replace the link with the file it should contain")
    static let structSymlink = Rule("STRUCT-SYMLINK", "Symlink inside the skill", .low, .high, .structure, .structure,
        message: "a symbolic link stays inside the skill, but the store rejects links when it installs",
        fix: "replace the link with a copy of its target")
    static let structHardLink = Rule("STRUCT-HARD-LINK", "Hard link to a file outside the skill", .medium, .high, .structure, .structure,
        message: "a file shares its storage with a file outside the skill, so packing or reading the skill exposes that file",
        fix: "replace the link with a copy of the content the skill needs")
    static let structSpecialFile = Rule("STRUCT-SPECIAL-FILE", "Device, FIFO or socket", .high, .high, .structure, .structure,
        blocks: .code, message: "the skill contains a device node, FIFO or socket, which no skill needs",
        fix: "remove the special file")
    static let structBinaryDisguised = Rule("STRUCT-BINARY-DISGUISED", "Executable disguised by its extension", .critical, .high, .structure, .structure,
        blocks: .code, message: "an executable binary carries the extension of a text, document or image file",
        fix: "remove the binary, or name it for what it is and declare it as a native entry")
    static let structTypeMismatch = Rule("STRUCT-TYPE-MISMATCH", "Content type differs from extension", .medium, .high, .structure, .structure,
        message: "the file's content type does not match its extension",
        fix: "rename the file to match its content")
    static let structEmbeddedExecutable = Rule("STRUCT-EMBEDDED-EXECUTABLE", "Undeclared executable binary", .medium, .high, .structure, .structure,
        message: "the skill ships a compiled executable or library that skill.json does not declare as its native entry",
        fix: "declare the library as entry.library of a native skill, or remove it and build from source")
    static let structPickle = Rule("STRUCT-PICKLE", "Serialized Python objects", .high, .medium, .structure, .structure,
        message: "a pickle file runs arbitrary code when it is loaded",
        fix: "ship data as JSON, CSV or safetensors instead of pickle")
    static let structOrphanBytecode = Rule("STRUCT-ORPHAN-BYTECODE", "Compiled Python without source", .medium, .high, .structure, .structure,
        message: "a .pyc file has no matching .py source, so its behaviour cannot be reviewed",
        fix: "ship the source and drop the bytecode")
    static let structEncryptedArchive = Rule("STRUCT-ENCRYPTED-ARCHIVE", "Password-protected archive", .high, .high, .structure, .structure,
        message: "an encrypted archive hides its content from review, a common way to smuggle payloads past scanners",
        fix: "ship the files unencrypted")
    static let structExecutableBit = Rule("STRUCT-EXECUTABLE-BIT", "Executable bit on a non-program", .low, .medium, .structure, .structure,
        message: "a file is marked executable but is neither a script with a shebang nor a binary",
        fix: "clear the executable bit (chmod a-x)")
    static let structHiddenFile = Rule("STRUCT-HIDDEN-FILE", "Hidden file or folder", .low, .high, .structure, .structure,
        message: "hidden files are easy to overlook in a review and are dropped by some installers",
        fix: "remove the hidden file or give it a visible name")
    static let structSize = Rule("STRUCT-SIZE-LIMIT", "Skill too large", .medium, .high, .structure, .structure,
        message: "the skill exceeds a size or file-count limit; parts beyond the limit were not reviewed",
        fix: "remove large or generated files from the skill")

    // MARK: Manifest
    static let manifestMissing = Rule("MANIFEST-MISSING", "No SKILL.md or skill.json", .high, .high, .manifest, .manifest,
        message: "the folder has neither SKILL.md nor skill.json, so it is not a skill",
        fix: "point verify at the skill's root folder, or add a SKILL.md")
    static let manifestSpec = Rule("MANIFEST-SPEC", "SKILL.md violates the Agent Skills specification", .low, .high, .manifest, .manifest,
        message: "SKILL.md does not follow the Agent Skills specification",
        fix: "fix the frontmatter as the message says (agentskills.io/specification)")
    static let manifestUnparseable = Rule("MANIFEST-UNPARSEABLE", "Manifest cannot be read", .medium, .high, .manifest, .manifest,
        message: "the manifest cannot be parsed, so no client can load the skill as written",
        fix: "fix the syntax error the message names")
    static let manifestNameMismatch = Rule("MANIFEST-NAME-MISMATCH", "Name differs from folder", .low, .high, .manifest, .manifest,
        message: "the skill's name differs from its folder name or from its other manifest",
        fix: "use the same name for the folder, SKILL.md and skill.json")
    static let manifestSkillJSON = Rule("MANIFEST-SKILL-JSON", "skill.json is invalid", .medium, .high, .manifest, .manifest,
        message: "skill.json is not a valid manifest, so memento cannot load the skill",
        fix: "fix the field the message names")
    static let manifestEntryMissing = Rule("MANIFEST-ENTRY-MISSING", "Declared entry not in the skill", .medium, .high, .manifest, .manifest,
        message: "skill.json names an entry file that the skill does not contain",
        fix: "add the file or correct the path in skill.json")
    static let manifestNoLicense = Rule("MANIFEST-NO-LICENSE", "No licence", .low, .high, .manifest, .manifest,
        message: "SKILL.md names no licence, so users cannot tell on what terms they may run or share it",
        fix: "add a 'license' field (a licence name or a bundled file)")
    static let manifestOverbroadTrigger = Rule("MANIFEST-OVERBROAD-TRIGGER", "Over-broad trigger in description", .medium, .medium, .socialEngineering, .manifest,
        message: "the description asks to be used for every task or is stuffed with keywords, which hijacks skill selection",
        fix: "say what the skill does and name the specific situations where it applies")

    // MARK: Execution of downloaded or decoded content
    static let execPipeShell = Rule("EXEC-PIPE-SHELL", "Downloaded content piped to an interpreter", .critical, .high, .remoteExecution, .static,
        blocks: .instructions, overridable: false, message: "content fetched from the network is run by a shell or interpreter without being reviewed or pinned",
        fix: "download to a file, check its hash against a pinned value, then run it; or depend on a packaged release")
    static let execFetchedCode = Rule("EXEC-FETCHED-CODE", "Fetched content executed", .critical, .high, .remoteExecution, .static,
        blocks: .instructions, message: "data fetched from the network is handed to eval, exec or a shell",
        fix: "ship the code in the skill instead of fetching it at run time")
    static let obfuscDecodeExec = Rule("OBFUSC-DECODE-EXEC", "Decoded data executed", .critical, .high, .obfuscation, .static,
        blocks: .instructions, overridable: false, message: "base64, hex or compressed data is decoded and executed, hiding what runs",
        fix: "ship the code in readable form")
    static let obfuscEncodedPayload = Rule("OBFUSC-ENCODED-PAYLOAD", "Encoded payload", .high, .high, .obfuscation, .static,
        blocks: .instructions, message: "an encoded string literal decodes to commands that a payload rule matches",
        fix: "remove the encoded payload")
    static let obfuscEscapedString = Rule("OBFUSC-ESCAPED-STRING", "Long escaped string", .low, .low, .obfuscation, .static,
        message: "a long run of hex or unicode escapes hides readable text",
        fix: "write the string in plain text")
    static let codeDynamicEval = Rule("CODE-DYNAMIC-EVAL", "Dynamic code evaluation", .high, .medium, .commandInjection, .static,
        message: "eval or exec runs a value computed at run time, which lets input become code",
        fix: "parse the input (ast.literal_eval, JSON, a small expression parser) instead of evaluating it")
    static let codeShellInjection = Rule("CODE-SHELL-INJECTION", "Shell command built from variables", .medium, .medium, .commandInjection, .static,
        message: "a shell command line is assembled from variables, so input can inject commands",
        fix: "pass an argument list without a shell (subprocess.run([...]), execFile)")

    // MARK: Credentials
    static let credSSH = Rule("CRED-SSH-KEYS", "Reads SSH keys", .high, .medium, .credentialAccess, .static,
        message: "the skill touches the user's SSH directory, where private keys live",
        fix: "remove access to ~/.ssh; a skill that needs a key should take it as an explicit input")
    static let credCloud = Rule("CRED-CLOUD-CONFIG", "Reads cloud or tool credentials", .high, .medium, .credentialAccess, .static,
        message: "the skill reads a credentials file of a cloud CLI, package manager or container tool",
        fix: "use the documented SDK credential chain, or declare the needed secret as an env permission")
    static let credBrowser = Rule("CRED-BROWSER-PROFILE", "Reads browser profiles", .high, .medium, .credentialAccess, .static,
        message: "the skill touches browser profile stores (cookies, saved logins, local state)",
        fix: "remove access to browser profiles")
    static let credKeychain = Rule("CRED-KEYCHAIN", "Reads the keychain", .high, .medium, .credentialAccess, .static,
        message: "the skill queries or dumps the system keychain or keyring",
        fix: "remove keychain access; take secrets as declared env variables")
    static let credWallet = Rule("CRED-CRYPTO-WALLET", "Reads cryptocurrency wallets", .high, .medium, .credentialAccess, .static,
        message: "the skill touches cryptocurrency wallet files",
        fix: "remove access to wallet files")
    static let credAgentFiles = Rule("CRED-AGENT-SECRETS", "Reads another program's secrets", .high, .medium, .credentialAccess, .static,
        message: "the skill reads a .env file or agent configuration outside its own folder",
        fix: "read only the variables you declare in permissions.env")
    static let credEnvDump = Rule("CRED-ENV-DUMP", "Dumps the environment", .high, .medium, .credentialAccess, .static,
        message: "the skill reads or serialises the whole environment, which holds every secret of the session",
        fix: "read only the variables the skill needs, by name, and declare them")
    static let credCloudMetadata = Rule("CRED-CLOUD-METADATA", "Queries cloud instance metadata", .high, .high, .credentialAccess, .static,
        message: "the skill queries the cloud metadata service, which hands out instance credentials",
        fix: "remove the metadata query")
    static let secretHardcoded = Rule("SECRET-HARDCODED", "Hard-coded secret", .medium, .medium, .secrets, .static,
        message: "a literal looks like a private key or an access token",
        fix: "remove the secret, revoke it, and read it from a declared env variable")

    // MARK: Exfiltration and network
    static let exfilCredentialEgress = Rule("EXFIL-CREDENTIAL-EGRESS", "Harvested secrets sent out", .critical, .high, .dataExfiltration, .capability,
        blocks: .code, message: "the skill collects credentials or the environment and also sends data to a host it does not declare",
        fix: "remove the credential collection, or declare the host and the secret it needs in skill.json")
    static let exfilWebhook = Rule("EXFIL-WEBHOOK", "Webhook, paste or capture service", .medium, .medium, .dataExfiltration, .static,
        message: "the skill addresses a webhook, paste or request-capture service, a common drop for stolen data",
        fix: "declare the host in permissions.network and explain why the skill needs it")
    static let exfilTunnel = Rule("EXFIL-TUNNEL-HOST", "Tunnel endpoint", .medium, .medium, .dataExfiltration, .static,
        message: "the skill sends traffic to an ad-hoc tunnel host that can forward it anywhere",
        fix: "use the service's real, documented hostname")
    static let exfilRawIP = Rule("EXFIL-RAW-IP", "URL with a raw public IP", .medium, .medium, .dataExfiltration, .static,
        message: "a URL uses a raw public IP address instead of a host name",
        fix: "use a documented host name and declare it in permissions.network")
    static let exfilDNS = Rule("EXFIL-DNS", "Data encoded into DNS lookups", .high, .medium, .dataExfiltration, .static,
        message: "a DNS lookup is built from run-time data, which leaks that data to whoever runs the domain",
        fix: "remove the lookup")
    static let exfilMarkdownImage = Rule("EXFIL-MARKDOWN-IMAGE", "Data carried in an image URL", .high, .medium, .dataExfiltration, .static,
        message: "a Markdown image or link puts variable data into its URL; rendering it sends the data to that host",
        fix: "use static image URLs without placeholders")
    static let exfilUpload = Rule("EXFIL-FILE-UPLOAD", "Uploads local files", .medium, .medium, .dataExfiltration, .static,
        message: "a command uploads a local file to a remote host",
        fix: "declare the destination in permissions.network and upload only files the user chose")
    static let netInsecureTLS = Rule("NET-INSECURE-TLS", "TLS verification disabled", .medium, .high, .insecureTransport, .static,
        message: "certificate verification is turned off, so anyone on the path can read or change the traffic",
        fix: "keep verification on; pin a CA bundle if the server uses a private CA")

    // MARK: Persistence, privilege, backdoors, destruction
    static let persistCron = Rule("PERSIST-CRON", "Installs a cron job", .high, .high, .persistence, .static,
        blocks: .code, message: "the skill writes a cron entry, so code keeps running after the skill is gone",
        fix: "remove the cron change; let the user schedule work explicitly")
    static let persistShellRC = Rule("PERSIST-SHELL-RC", "Modifies shell start-up files", .high, .high, .persistence, .static,
        blocks: .code, message: "the skill writes to a shell start-up file, which runs in every future shell",
        fix: "remove the write; print the line for the user to add instead")
    static let persistService = Rule("PERSIST-SERVICE", "Installs a system service", .high, .high, .persistence, .static,
        blocks: .code, message: "the skill installs or enables a systemd unit or launchd agent",
        fix: "remove the service installation")
    static let persistAuthorizedKeys = Rule("PERSIST-AUTHORIZED-KEYS", "Touches authorized_keys", .critical, .high, .persistence, .static,
        blocks: .code, overridable: false, message: "the skill touches authorized_keys, which grants remote login to whoever holds the key",
        fix: "remove the change to authorized_keys")
    static let persistAgentMemory = Rule("PERSIST-AGENT-MEMORY", "Writes agent memory or instruction files", .high, .medium, .persistence, .static,
        message: "the skill writes the agent's memory, identity or instruction files, which changes the agent beyond this task",
        fix: "remove the write; a skill's instructions belong in its own SKILL.md")
    static let privSudo = Rule("PRIV-SUDO", "Runs commands as root", .medium, .medium, .privilegeEscalation, .static,
        message: "the skill elevates privileges with sudo, su or doas",
        fix: "do the work without root, or document the one command the user runs")
    static let privSetuid = Rule("PRIV-SETUID", "Sets setuid or setgid", .high, .high, .privilegeEscalation, .static,
        blocks: .code, message: "the skill makes a file setuid/setgid or changes its user id",
        fix: "remove the setuid change")
    static let privSystemChmod = Rule("PRIV-SYSTEM-CHMOD", "Changes permissions of system paths", .high, .high, .privilegeEscalation, .static,
        blocks: .code, message: "the skill changes permissions or ownership of system directories",
        fix: "change only files inside the skill's own working directory")
    static let backdoorReverseShell = Rule("BACKDOOR-REVERSE-SHELL", "Reverse or bind shell", .critical, .high, .backdoor, .static,
        blocks: .instructions, overridable: false, message: "the skill connects a shell to a network socket, giving a remote party control of the machine",
        fix: "remove the shell redirection")
    static let destructiveDelete = Rule("DESTRUCT-DELETE", "Destructive command", .critical, .high, .destructive, .static,
        blocks: .instructions, message: "the skill deletes or overwrites the home directory, the root file system or a disk",
        fix: "delete only paths the skill created, inside its working directory")
    static let resourceForkBomb = Rule("RESOURCE-FORK-BOMB", "Fork bomb", .critical, .high, .resourceExhaustion, .static,
        blocks: .instructions, overridable: false, message: "the code forks processes without bound and takes the machine down",
        fix: "remove the fork loop")
    static let resourceMiner = Rule("RESOURCE-CRYPTO-MINER", "Cryptocurrency miner", .critical, .high, .resourceExhaustion, .static,
        blocks: .instructions, overridable: false, message: "the skill carries or configures a cryptocurrency miner",
        fix: "remove the miner")
    static let destructiveRansomware = Rule("DESTRUCT-RANSOMWARE", "Encrypts files in bulk", .critical, .medium, .destructive, .static,
        message: "the code walks the file system, encrypts what it finds and removes or renames the originals, as ransomware does",
        fix: "encrypt only files the user names, keep the originals, and never leave ransom notes")
    static let resourceUnboundedLoop = Rule("RESOURCE-UNBOUNDED-LOOP", "Loop without exit", .medium, .low, .resourceExhaustion, .static,
        message: "an infinite loop has no break, return or wait, so it spins until killed",
        fix: "add an exit condition, a bound or a wait")
    static let resourceMemoryBomb = Rule("RESOURCE-MEMORY-BOMB", "Huge allocation", .medium, .medium, .resourceExhaustion, .static,
        message: "the code allocates millions of elements at once, which can exhaust memory",
        fix: "stream or bound the allocation")
    static let sqlInjection = Rule("SQLI-STRING-QUERY", "SQL built from strings", .medium, .medium, .sqlInjection, .static,
        message: "a SQL statement is built by string formatting, so input can change the query",
        fix: "use placeholders (?, %s, :name) and pass the values separately")
    static let pathTraversal = Rule("PATH-TRAVERSAL", "Unchecked path from input", .medium, .low, .pathTraversal, .static,
        message: "a function joins an input onto a base directory and opens it without checking the result stays inside",
        fix: "resolve the path and check it is inside the base (realpath + commonpath, Path.is_relative_to)")

    // MARK: Supply chain
    static let supplyRegistryRedirect = Rule("SUPPLY-REGISTRY-REDIRECT", "Package registry redirected", .medium, .medium, .supplyChain, .static,
        message: "packages are installed from a registry other than the default one",
        fix: "install from the default registry, or document and pin the alternative")
    static let supplyRemotePackage = Rule("SUPPLY-REMOTE-PACKAGE", "Package installed from a URL", .medium, .medium, .supplyChain, .static,
        message: "a package is installed straight from a URL or repository, bypassing registry versions",
        fix: "install a released, pinned version")
    static let supplyUnpinned = Rule("SUPPLY-UNPINNED-INSTALL", "Unpinned dependency install", .medium, .medium, .supplyChain, .static,
        message: "a package is installed without a pinned version, so what runs can change at any time",
        fix: "pin the version (pkg==1.2.3, pkg@1.2.3)")
    static let supplyRuntimeInstall = Rule("SUPPLY-RUNTIME-INSTALL", "Installs software at run time", .medium, .medium, .supplyChain, .static,
        message: "the code installs packages while it runs, outside any review",
        fix: "declare dependencies in skill.json (python.requirements) instead")

    // MARK: Prose: prompt injection and social engineering
    static let promptOverride = Rule("PROMPT-OVERRIDE", "Overrides previous instructions", .high, .medium, .promptInjection, .static,
        message: "the text tells the agent to ignore or replace its instructions",
        fix: "describe what the skill does; never address the agent's other instructions")
    static let promptSafetyBypass = Rule("PROMPT-SAFETY-BYPASS", "Asks to bypass safety policy", .high, .medium, .promptInjection, .static,
        message: "the text asks the agent to drop its safety or content policy",
        fix: "remove the request")
    static let promptConcealment = Rule("PROMPT-CONCEALMENT", "Hides actions from the user", .high, .medium, .promptInjection, .static,
        message: "the text tells the agent to keep something from the user",
        fix: "let the agent report everything it does")
    static let promptSystemLeak = Rule("PROMPT-SYSTEM-PROMPT-LEAK", "Asks for the system prompt", .medium, .medium, .promptInjection, .static,
        message: "the text asks the agent to reveal its system prompt or hidden instructions",
        fix: "remove the request")
    static let promptCoerciveTag = Rule("PROMPT-COERCIVE-TAG", "Fake system or priority markup", .medium, .medium, .promptInjection, .static,
        message: "the text imitates system or priority markup to gain authority over the agent",
        fix: "write plain instructions without fake system markers")
    static let promptConfirmationBypass = Rule("PROMPT-CONFIRMATION-BYPASS", "Skips user confirmation", .medium, .medium, .promptInjection, .static,
        message: "the text tells the agent to act without asking the user",
        fix: "let the agent ask before consequential actions")
    static let promptRemoteInstructions = Rule("PROMPT-REMOTE-INSTRUCTIONS", "Follows instructions fetched from a URL", .high, .medium, .promptInjection, .static,
        message: "the text tells the agent to fetch instructions from the network and follow them, so whoever controls the URL controls the agent",
        fix: "put the instructions in the skill itself, where they are reviewed and versioned")
    static let promptDataForwarding = Rule("PROMPT-DATA-FORWARDING", "Forwards user data to an address", .high, .medium, .dataExfiltration, .static,
        message: "the text tells the agent to send the user's data, files or results to a fixed URL or e-mail address",
        fix: "return results to the user; send data only where the user says")
    static let promptHarmfulRequest = Rule("PROMPT-HARMFUL-REQUEST", "Asks the agent to build malware", .high, .medium, .harmfulContent, .static,
        message: "the text asks the agent to create malware or an attack tool",
        fix: "remove the request")
    static let socialFakePrerequisite = Rule("SOCIAL-FAKE-PREREQUISITE", "Prerequisite that installs software", .high, .medium, .socialEngineering, .static,
        message: "a setup step tells the reader to download and run software from outside the skill",
        fix: "declare dependencies in the manifest with pinned versions from a registry")
    static let socialImpersonation = Rule("SOCIAL-IMPERSONATION", "Claims to be official", .medium, .medium, .socialEngineering, .static,
        message: "the skill claims to be an official or verified release of a vendor",
        fix: "describe the skill without claiming an endorsement you cannot prove")

    // MARK: Unicode
    static let unicodeTag = Rule("UNICODE-TAG-CHARS", "Invisible tag characters", .critical, .high, .hiddenUnicode, .static,
        blocks: .anywhere, overridable: false, message: "Unicode tag characters carry text that people cannot see but models read",
        fix: "remove the characters in U+E0000–U+E007F")
    static let unicodeBidi = Rule("UNICODE-BIDI", "Bidirectional control characters", .high, .high, .hiddenUnicode, .static,
        blocks: .code, message: "bidi controls reorder how text is displayed, so what a reviewer sees is not what runs",
        fix: "remove U+202A–U+202E and U+2066–U+2069")
    static let unicodeTagEncoder = Rule("UNICODE-TAG-ENCODER", "Builds invisible tag characters", .high, .medium, .hiddenUnicode, .static,
        message: "the code produces Unicode tag characters, which smuggle text that people cannot see into what a model reads",
        fix: "remove the encoder")
    static let unicodeZeroWidth = Rule("UNICODE-ZERO-WIDTH", "Zero-width characters", .medium, .medium, .hiddenUnicode, .static,
        message: "zero-width characters hide inside words, to split keywords or carry hidden data",
        fix: "remove the zero-width characters")
    static let unicodeMixedScript = Rule("UNICODE-MIXED-SCRIPT", "Look-alike letters from another script", .high, .medium, .hiddenUnicode, .static,
        message: "a word mixes Latin with Cyrillic or Greek look-alikes, a way to spoof names and hosts",
        fix: "write the word in one script")

    // MARK: Native
    static let nativeMalformed = Rule("NATIVE-MALFORMED", "Malformed ELF file", .high, .high, .native, .native,
        message: "an ELF file cannot be parsed; loaders and scanners may read it differently",
        fix: "rebuild the library with a standard toolchain")
    static let nativeForeignMachine = Rule("NATIVE-FOREIGN-MACHINE", "Library for another machine", .medium, .high, .native, .native,
        message: "the native entry is built for a different architecture or class than this host",
        fix: "build the library for the target machine")
    static let nativeUndeclaredExec = Rule("NATIVE-UNDECLARED-EXEC", "Native code spawns processes", .high, .high, .capabilityMismatch, .native,
        message: "the binary imports process-spawning functions but skill.json declares no executables",
        fix: "declare the programs in permissions.executables, or drop the calls")
    static let nativeUndeclaredNetwork = Rule("NATIVE-UNDECLARED-NETWORK", "Native code opens sockets", .high, .high, .capabilityMismatch, .native,
        message: "the binary imports socket functions but skill.json declares no network hosts",
        fix: "declare the hosts in permissions.network, or drop the calls")
    static let nativeDebugger = Rule("NATIVE-PTRACE", "Native code uses ptrace", .high, .high, .native, .native,
        message: "the binary imports ptrace, which can inspect and control other processes",
        fix: "remove the ptrace use")
    static let nativeMissingEntry = Rule("NATIVE-MISSING-ENTRY", "ABI entry point missing", .medium, .high, .native, .native,
        message: "the native library does not export skill_abi_v1_entry, so memento cannot load it",
        fix: "export skill_abi_v1_entry as skill_abi.h describes")
    static let nativeNeeded = Rule("NATIVE-NEEDED", "Libraries the binary loads", .info, .high, .native, .native,
        message: "the binary loads these shared libraries",
        fix: "no action; listed for review")

    // MARK: Declared vs observed
    static let capUndeclaredHost = Rule("CAP-UNDECLARED-HOST", "Undeclared network host", .medium, .medium, .capabilityMismatch, .capability,
        message: "the code contacts a host that permissions.network does not declare",
        fix: "add the host to permissions.network in skill.json, or remove the call")
    static let capUndeclaredEnv = Rule("CAP-UNDECLARED-ENV", "Undeclared environment variable", .low, .high, .capabilityMismatch, .capability,
        message: "the code reads an environment variable that permissions.env does not declare",
        fix: "add the name to permissions.env in skill.json")
    static let capUndeclaredExec = Rule("CAP-UNDECLARED-EXEC", "Undeclared program", .low, .medium, .capabilityMismatch, .capability,
        message: "the code runs a program that permissions.executables does not declare",
        fix: "add the program to permissions.executables in skill.json")
    static let capToolsExceeded = Rule("CAP-ALLOWED-TOOLS", "Scripts exceed allowed-tools", .low, .medium, .capabilityMismatch, .capability,
        message: "scripts run shell commands or use the network, but allowed-tools grants no shell",
        fix: "grant the specific tool in allowed-tools (e.g. Bash(git:*)) or remove the calls")

    static let execNetwork = Rule("EXEC-NETWORK", "Reached for the network", .high, .high, .dataExfiltration, .exec, blocks: .code,
        message: "run in the sandbox with sample arguments, the skill tried to connect to another host, and skill.json declares no network access",
        fix: "declare the hosts in permissions.network, or remove the network access")
    static let execHomePersistence = Rule("EXEC-HOME-PERSISTENCE", "Wrote startup or SSH files in home", .critical, .high, .persistence, .exec,
        blocks: .code, overridable: false,
        message: "run in the sandbox, the skill wrote a shell startup file, SSH configuration or autostart entry in the home directory",
        fix: "a skill never modifies the user's startup, SSH or autostart files; remove the write")
    static let execHomeWrite = Rule("EXEC-HOME-WRITE", "Wrote in home", .medium, .high, .persistence, .exec,
        message: "run in the sandbox, the skill wrote in the home directory",
        fix: "write to the working directory or a temporary directory, or declare the path in permissions.filesystem")
    static let execSystemWrite = Rule("EXEC-SYSTEM-WRITE", "Tried to write system files", .critical, .high, .privilegeEscalation, .exec, blocks: .code,
        message: "run in the sandbox, the skill tried to write under a system directory (/etc, /usr, /bin, /var/spool, …)",
        fix: "a skill never writes system files; remove the write")
    static let execOutsideWrite = Rule("EXEC-OUTSIDE-WRITE", "Wrote outside its work directory", .medium, .medium, .capabilityMismatch, .exec,
        message: "run in the sandbox, the skill wrote outside its working directory and /tmp",
        fix: "write only to the working directory or /tmp, or declare the path in permissions.filesystem")
    static let execSpawn = Rule("EXEC-SPAWN", "Started an undeclared program", .medium, .high, .capabilityMismatch, .exec,
        message: "run in the sandbox, the skill started a program that permissions.executables does not declare",
        fix: "declare the program in permissions.executables, or stop running it")
    static let execDidNotRun = Rule("EXEC-DID-NOT-RUN", "Not fully observed", .info, .high, .structure, .exec,
        message: "the skill did not start in the sandbox, or a sample call crashed or timed out, so its behaviour was only partly observed",
        fix: "make the skill start from its declared entry and answer calls with schema-valid arguments")

    public static let all: [Rule] = [
        structSymlinkEscape, structSymlink, structHardLink, structSpecialFile, structBinaryDisguised, structTypeMismatch,
        structEmbeddedExecutable, structPickle, structOrphanBytecode, structEncryptedArchive, structExecutableBit,
        structHiddenFile, structSize,
        manifestMissing, manifestSpec, manifestUnparseable, manifestNameMismatch, manifestSkillJSON, manifestEntryMissing,
        manifestNoLicense, manifestOverbroadTrigger,
        execPipeShell, execFetchedCode, obfuscDecodeExec, obfuscEncodedPayload, obfuscEscapedString, codeDynamicEval,
        codeShellInjection,
        credSSH, credCloud, credBrowser, credKeychain, credWallet, credAgentFiles, credEnvDump, credCloudMetadata, secretHardcoded,
        exfilCredentialEgress, exfilWebhook, exfilTunnel, exfilRawIP, exfilDNS, exfilMarkdownImage, exfilUpload, netInsecureTLS,
        persistCron, persistShellRC, persistService, persistAuthorizedKeys, persistAgentMemory, privSudo, privSetuid,
        privSystemChmod, backdoorReverseShell, destructiveDelete, destructiveRansomware, resourceForkBomb, resourceMiner, resourceUnboundedLoop,
        resourceMemoryBomb, sqlInjection, pathTraversal,
        supplyRegistryRedirect, supplyRemotePackage, supplyUnpinned, supplyRuntimeInstall,
        promptOverride, promptSafetyBypass, promptConcealment, promptSystemLeak, promptCoerciveTag, promptConfirmationBypass,
        promptRemoteInstructions, promptDataForwarding, promptHarmfulRequest, socialFakePrerequisite, socialImpersonation,
        unicodeTag, unicodeTagEncoder, unicodeBidi, unicodeZeroWidth, unicodeMixedScript,
        nativeMalformed, nativeForeignMachine, nativeUndeclaredExec, nativeUndeclaredNetwork, nativeDebugger, nativeMissingEntry,
        nativeNeeded,
        capUndeclaredHost, capUndeclaredEnv, capUndeclaredExec, capToolsExceeded,
        execNetwork, execHomePersistence, execHomeWrite, execSystemWrite, execOutsideWrite, execSpawn, execDidNotRun,
    ]

    public static func rule(id: String) -> Rule? { byId[id] }

    private static let byId: [String: Rule] = Dictionary(all.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
}

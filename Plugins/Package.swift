// swift-tools-version:6.1
// Memento's first-party atomic tools, one native skill each, built with SkillSDK.
// `make plugins` builds them with `memento skill build DIR --package Plugins`, which embeds each
// skill.json, links lib<name>.so and records its sha256.
import PackageDescription

let sdk = Context.packageDirectory + "/../SkillSDK"

/// Export skill_abi_v1_entry and nothing else; bind every symbol at load time (plugin-abi.md §11).
let skillLinking: [LinkerSetting] = [
    .unsafeFlags(["-Xlinker", "--version-script=\(sdk)/skill.map", "-Xlinker", "-z", "-Xlinker", "now"]),
]

/// One skill: the product is lib<name>.so, the module name is unique to it (plugin-abi.md §7.4).
func skill(_ name: String, _ support: [Target.Dependency]) -> (Product, Target) {
    let module = "MementoPlugin_" + name
    return (
        .library(name: name, type: .dynamic, targets: [module]),
        .target(
            name: module,
            dependencies: [.product(name: "SkillKit", package: "SkillSDK"), .product(name: "SkillABI", package: "SkillSDK")] + support,
            path: "\(name)/Sources/\(module)",
            linkerSettings: skillLinking
        )
    )
}

// Each links only the support it uses: verify reads a plugin's imports (posix_spawnp, curl) as
// capabilities, so a file tool must not carry the process code of the shell tool.
let skills = [
    skill("fs", ["PluginSupport"]), skill("grep", ["PluginSupport"]),
    skill("shell", ["PluginProcess"]), skill("python", ["PluginProcess"]), skill("http", ["CPluginCurl"]),
]

let package = Package(
    name: "MementoPlugins",
    products: skills.map(\.0),
    dependencies: [.package(path: "../SkillSDK")],
    targets: skills.map(\.1) + [
        .target(name: "PluginSupport", dependencies: [.product(name: "SkillKit", package: "SkillSDK")], path: "Support/PluginSupport"),
        .target(name: "PluginProcess", dependencies: ["PluginSupport", "CPluginSystem", .product(name: "SkillKit", package: "SkillSDK")], path: "Support/PluginProcess"),
        .target(name: "CPluginSystem", path: "Support/CPluginSystem"),
        .target(name: "CPluginCurl", path: "Support/CPluginCurl", linkerSettings: [.linkedLibrary("curl")]),
    ],
    swiftLanguageModes: [.v6]
)

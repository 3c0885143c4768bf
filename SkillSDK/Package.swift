// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "SkillSDK",
    products: [
        .library(name: "SkillABI", targets: ["SkillABI"]),
        .library(name: "SkillToolchain", targets: ["SkillToolchain"]),
        .library(name: "SkillKit", targets: ["SkillKit"]),
    ],
    targets: [
        .target(name: "SkillABI"),
        .target(name: "SkillToolchain"),
        .target(name: "SkillKit", dependencies: ["SkillABI", "SkillToolchain"]),
    ],
    swiftLanguageModes: [.v6]
)

// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "SkillSDK",
    products: [
        .library(name: "SkillABI", targets: ["SkillABI"]),
        .library(name: "SkillToolchain", targets: ["SkillToolchain"]),
    ],
    targets: [
        .target(name: "SkillABI"),
        .target(name: "SkillToolchain"),
    ],
    swiftLanguageModes: [.v6]
)

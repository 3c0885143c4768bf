// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "SkillSDK",
    products: [
        .library(name: "SkillABI", targets: ["SkillABI"]),
    ],
    targets: [
        .target(name: "SkillABI"),
    ],
    swiftLanguageModes: [.v6]
)

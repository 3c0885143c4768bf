// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "Memento",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "memento", targets: ["memento"]),
        .library(name: "MementoCore", targets: ["MementoCore"]),
        .library(name: "SkillStore", targets: ["SkillStore"]),
        .library(name: "MCP", targets: ["MCP"]),
        .library(name: "Verify", targets: ["Verify"]),
        .library(name: "SkillMarket", targets: ["SkillMarket"]),
        .library(name: "PluginHost", targets: ["PluginHost"]),
    ],
    dependencies: [
        .package(path: "SkillSDK"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.20"),
    ],
    targets: [
        .target(name: "CSystemShims"),
        // libcurl is loaded on first use (see curl_shims.c); only its headers are needed here.
        .target(name: "CCurlShims"),
        .systemLibrary(name: "CFFI", pkgConfig: "libffi", providers: [.apt(["libffi-dev"])]),
        .systemLibrary(name: "CZlibShims", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        .target(
            name: "MementoCore",
            dependencies: [
                "CSystemShims",
                "CZlibShims",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
            ]
        ),
        .target(
            name: "SkillStore",
            dependencies: [
                "MementoCore",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "MCP",
            dependencies: ["MementoCore", "CSystemShims", .product(name: "Logging", package: "swift-log")]
        ),
        .target(
            name: "PluginHost",
            dependencies: [
                "MementoCore",
                "MCP",
                "CSystemShims",
                "CFFI",
                .product(name: "SkillABI", package: "SkillSDK"),
                .product(name: "SkillToolchain", package: "SkillSDK"),
            ]
        ),
        .target(
            name: "Verify",
            dependencies: ["MementoCore"]
        ),
        .target(
            name: "SkillMarket",
            dependencies: [
                "MementoCore",
                "SkillStore",
                "CCurlShims",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
            ]
        ),
        .executableTarget(
            name: "memento",
            dependencies: [
                "MementoCore",
                "SkillStore",
                "MCP",
                "Verify",
                "SkillMarket",
                "PluginHost",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
            ]
        ),
        // `make bench` only: the MCP client's read path on one large message.
        .executableTarget(name: "mcp-read-bench", dependencies: ["MCP", "MementoCore"], path: "Benchmarks/MCPReadBench"),
        .target(name: "TestSupport", dependencies: ["MementoCore"], path: "Tests/TestSupport"),
        .testTarget(name: "MementoCoreTests", dependencies: ["MementoCore"]),
        .testTarget(
            name: "SkillStoreTests",
            dependencies: ["SkillStore", "MementoCore", "TestSupport", .product(name: "ZIPFoundation", package: "ZIPFoundation")]
        ),
        .testTarget(name: "MCPTests", dependencies: ["MCP", "MementoCore", "TestSupport"], exclude: ["Fixtures"]),
        .testTarget(
            name: "PluginHostTests",
            dependencies: [
                "PluginHost", "MementoCore", "CSystemShims", "TestSupport",
                .product(name: "SkillABI", package: "SkillSDK"), .product(name: "SkillToolchain", package: "SkillSDK"),
            ],
            exclude: ["Fixtures"]
        ),
        .testTarget(name: "FirstPartySkillTests", dependencies: ["PluginHost", "MementoCore", "TestSupport"]),
        .testTarget(name: "VerifyTests", dependencies: ["Verify", "MementoCore"]),
        .testTarget(name: "SkillMarketTests", dependencies: ["SkillMarket", "SkillStore", "MementoCore", "TestSupport"]),
        .testTarget(
            name: "MementoCLITests",
            dependencies: ["MementoCore", "SkillStore", "TestSupport", .product(name: "ZIPFoundation", package: "ZIPFoundation")]
        ),
    ],
    swiftLanguageModes: [.v6]
)

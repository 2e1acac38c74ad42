// swift-tools-version:6.1
import PackageDescription
import Foundation

// `make fuzz` sets OPSBOOK_FUZZ=1: the library and the fuzz target (only they, not the build
// tools) are compiled with libFuzzer's coverage and AddressSanitizer.
let fuzzing = ProcessInfo.processInfo.environment["OPSBOOK_FUZZ"] == "1"
let fuzzFlags: [SwiftSetting] = fuzzing ? [.unsafeFlags(["-sanitize=fuzzer,address"]), .define("FUZZING")] : []

let package = Package(
    name: "opsbook",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "opsbook", targets: ["opsbook"]),
        .library(name: "OpsbookKit", targets: ["OpsbookKit"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.0.0"),
    ],
    targets: [
        // cmark-gfm from Debian (libcmark-gfm-dev + libcmark-gfm-extensions-dev).
        .systemLibrary(
            name: "CCmarkGFM",
            pkgConfig: "libcmark-gfm",
            providers: [.apt(["libcmark-gfm-dev", "libcmark-gfm-extensions-dev"])]
        ),
        .target(
            name: "OpsbookKit",
            dependencies: [
                "CCmarkGFM",
                .product(name: "Yams", package: "Yams"),
                .product(name: "Mustache", package: "swift-mustache"),
            ],
            // Embedded by the plugin instead of shipped as a resource bundle: the binary must run
            // from any path (docs/install.md).
            exclude: ["Render/Templates", "Render/Assets", "Init/Starter"],
            swiftSettings: fuzzFlags,
            plugins: ["EmbedFiles"]
        ),
        // Build-time generator behind the EmbedFiles plugin; never shipped.
        .executableTarget(name: "opsbook-embed", path: "Sources/opsbook-embed"),
        .plugin(name: "EmbedFiles", capability: .buildTool(), dependencies: ["opsbook-embed"]),
        .executableTarget(
            name: "opsbook",
            dependencies: [
                "OpsbookKit",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // libFuzzer targets for `make fuzz` (docs/security.md); a plain build replays inputs.
        .executableTarget(name: "opsbook-fuzz", dependencies: ["OpsbookKit"], path: "Fuzz/Sources", swiftSettings: fuzzFlags,
                          linkerSettings: fuzzing ? [.unsafeFlags(["-sanitize=fuzzer,address"])] : []),
        .testTarget(
            name: "OpsbookKitTests",
            // The command-line module too, so tests can parse invocations with its command types.
            dependencies: ["OpsbookKit", "opsbook", .product(name: "Yams", package: "Yams")],
            exclude: []
        ),
    ],
    swiftLanguageModes: [.v6]
)

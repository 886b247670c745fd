// swift-tools-version:6.2

import PackageDescription

// The libFuzzer target for the request parser, the body rewriting and the guardrail scanners, kept in its own package so
// the main build does not carry it. Run: `scripts/fuzz.sh [seconds]` from the repository root.
let package = Package(
    name: "GatewayFuzz",
    platforms: [.macOS(.v26)],
    dependencies: [
        .package(name: "gateway", path: "..")
    ],
    targets: [
        .executableTarget(
            name: "RequestFieldsFuzz",
            dependencies: [
                .product(name: "WireJSON", package: "gateway"),
                .product(name: "Guardrails", package: "gateway"),
            ],
            path: "Sources/RequestFieldsFuzz"
        )
    ]
)

// swift-tools-version:6.2

import PackageDescription

// Microbenchmarks, kept in their own package so the main build does not carry the benchmark
// framework. Run: `cd Benchmarks && swift package --disable-sandbox benchmark`.
let package = Package(
    name: "GatewayBenchmarks",
    platforms: [.macOS(.v26)],
    dependencies: [
        .package(name: "gateway", path: ".."),
        .package(url: "https://github.com/ordo-one/benchmark.git", from: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        .executableTarget(
            name: "GatewayBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "Collector", package: "gateway"),
                .product(name: "ControlPlane", package: "gateway"),
                .product(name: "Gateway", package: "gateway"),
                .product(name: "GatewayModel", package: "gateway"),
                .product(name: "Telemetry", package: "gateway"),
                .product(name: "WireJSON", package: "gateway"),
            ],
            path: "Benchmarks/GatewayBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        )
    ]
)

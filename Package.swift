// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "GenerativeVerification",
    products: [
        .library(name: "Network", targets: ["Network"]),
        .library(name: "Encoding", targets: ["Encoding"]),
        .library(name: "Solver", targets: ["Solver"]),
        .library(name: "Sampling", targets: ["Sampling"]),
        .executable(name: "verify", targets: ["verify"]),
    ],
    targets: [
        .systemLibrary(
            name: "CZ3",
            pkgConfig: "z3",
            providers: [.apt(["libz3-dev"])]
        ),
        .target(name: "Codecs"),
        .target(name: "Network", dependencies: ["Codecs"]),
        .target(name: "Encoding", dependencies: ["Network", "Codecs"]),
        .target(name: "Solver", dependencies: ["Network", "Encoding", "CZ3"]),
        .target(name: "Sampling", dependencies: ["Codecs", "Network", "Encoding", "Solver"]),
        .executableTarget(name: "verify", dependencies: ["Network", "Encoding", "Solver", "Sampling"]),
        .executableTarget(
            name: "digits-bench", dependencies: ["Network", "Encoding", "Solver", "Sampling"],
            path: "Benchmarks/Sources/DigitsBenchmark"),
        .testTarget(name: "CodecsTests", dependencies: ["Codecs"]),
        .testTarget(name: "NetworkTests", dependencies: ["Network"]),
        .testTarget(name: "EncodingTests", dependencies: ["Network", "Encoding"]),
        .testTarget(name: "SolverTests", dependencies: ["Network", "Encoding", "Solver"]),
        .testTarget(name: "SamplingTests", dependencies: ["Network", "Sampling"]),
        .testTarget(name: "VerifyCLITests", dependencies: ["verify", "Network", "Solver", "Sampling"]),
    ]
)

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
        .executable(name: "verify-leaf", targets: ["verify-leaf"]),
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
        // `verify` depends on `verify-leaf` so that every build of `verify` (`swift build
        // --product verify`, `swift run verify`) also builds the leaf worker beside it.
        .executableTarget(name: "verify", dependencies: ["Network", "Encoding", "Solver", "Sampling", "verify-leaf"]),
        .executableTarget(name: "verify-leaf", dependencies: ["Solver"]),
        .executableTarget(
            name: "digits-bench", dependencies: ["Network", "Encoding", "Solver", "Sampling"],
            path: "Benchmarks/Sources/DigitsBenchmark"),
        .testTarget(name: "CodecsTests", dependencies: ["Codecs"]),
        .testTarget(name: "NetworkTests", dependencies: ["Network"]),
        .testTarget(name: "EncodingTests", dependencies: ["Network", "Encoding"]),
        .testTarget(name: "SolverTests", dependencies: ["Network", "Encoding", "Solver", "verify-leaf"]),
        .testTarget(name: "SamplingTests", dependencies: ["Network", "Sampling"]),
        .testTarget(name: "VerifyCLITests", dependencies: ["verify", "Network", "Solver", "Sampling"]),
    ]
)

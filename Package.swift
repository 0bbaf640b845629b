// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "GenerativeVerification",
    products: [
        .library(name: "Network", targets: ["Network"]),
        .library(name: "Encoding", targets: ["Encoding"]),
        .library(name: "Solver", targets: ["Solver"]),
        .library(name: "Sampling", targets: ["Sampling"]),
        .library(name: "Reporting", targets: ["Reporting"]),
        .executable(name: "verify", targets: ["verify"]),
        .executable(name: "verify-leaf", targets: ["verify-leaf"]),
    ],
    targets: [
        .systemLibrary(
            name: "CZ3",
            pkgConfig: "z3",
            providers: [.apt(["libz3-dev"])]
        ),
        .systemLibrary(
            name: "COpenBLAS",
            pkgConfig: "openblas",
            providers: [.apt(["libopenblas-dev"])]
        ),
        .target(name: "Support"),
        .target(name: "Codecs"),
        .target(name: "Network", dependencies: ["Support", "Codecs", "COpenBLAS"]),
        .target(name: "Encoding", dependencies: ["Network", "Codecs"]),
        .target(name: "Solver", dependencies: ["Support", "Network", "Encoding", "CZ3"]),
        .target(name: "Sampling", dependencies: ["Support", "Codecs", "Network", "Encoding", "Solver"]),
        .target(name: "Reporting", dependencies: ["Support", "Codecs", "Network", "Solver", "Sampling"]),
        // `verify` depends on `verify-leaf` so that every build of `verify` (`swift build
        // --product verify`, `swift run verify`) also builds the leaf worker beside it.
        .executableTarget(
            name: "verify", dependencies: ["Support", "Network", "Encoding", "Solver", "Sampling", "Reporting", "verify-leaf"]),
        .executableTarget(name: "verify-leaf", dependencies: ["Solver"]),
        .executableTarget(
            name: "digits-bench", dependencies: ["Network", "Encoding", "Solver", "Sampling"],
            path: "Benchmarks/Sources/DigitsBenchmark"),
        .executableTarget(
            name: "bounds-bench", dependencies: ["Network", "Encoding", "Sampling", "Support"],
            path: "Benchmarks/Sources/BoundsBenchmark"),
        .executableTarget(
            name: "forward-bench", dependencies: ["Network", "Sampling", "Support"],
            path: "Benchmarks/Sources/ForwardBenchmark"),
        .testTarget(name: "SupportTests", dependencies: ["Support"]),
        .testTarget(name: "CodecsTests", dependencies: ["Support", "Codecs"]),
        .testTarget(name: "NetworkTests", dependencies: ["Support", "Network"]),
        .testTarget(name: "EncodingTests", dependencies: ["Support", "Network", "Encoding"]),
        .testTarget(name: "SolverTests", dependencies: ["Support", "Network", "Encoding", "Solver", "verify-leaf"]),
        .testTarget(name: "SamplingTests", dependencies: ["Support", "Network", "Sampling"]),
        .testTarget(name: "ReportingTests", dependencies: ["Support", "Network", "Sampling", "Reporting"]),
        .testTarget(name: "VerifyCLITests", dependencies: ["verify", "Support", "Codecs", "Network", "Solver", "Sampling"]),
    ]
)

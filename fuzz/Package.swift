// swift-tools-version:6.0
// Coverage-guided fuzz targets for EMKit's input parsers and argument layer (libFuzzer). Not part of the main
// package: `swift build` and `swift test` at the root never see it. Build and run with
// `fuzz/run.sh` (docs/fuzzing.md), which passes -sanitize=fuzzer,address; without those flags
// the targets have no `main` and do not link.
import PackageDescription

let targets = ["FuzzCSV", "FuzzNumpy", "FuzzModelFiles", "FuzzImages", "FuzzCoinRounds", "FuzzArguments", "FuzzSequenceLengths", "FuzzStatisticsArchive"]

let package = Package(
    name: "EMKitFuzz",
    dependencies: [.package(name: "EMKit", path: "..")],
    targets: [
        .target(name: "FuzzSupport", dependencies: [.product(name: "EMKit", package: "EMKit")]),
    ] + targets.map { name in
        .executableTarget(
            name: name,
            dependencies: [
                "FuzzSupport", .product(name: "EMKit", package: "EMKit"),
                .product(name: "EMKitImaging", package: "EMKit"),
                .product(name: "EMKitCommandLine", package: "EMKit"),
            ])
    }
)

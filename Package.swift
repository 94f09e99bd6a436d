// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "EMKit",
    products: [
        .library(name: "EMKit", targets: ["EMKit"]),
        .executable(name: "emkit", targets: ["emkit"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        // The E-step's arithmetic in C, compiled for AVX2+FMA and picked at run time.
        .target(name: "EMKitKernels"),
        .target(name: "EMKit", dependencies: ["EMKitKernels"]),
        .executableTarget(
            name: "emkit",
            dependencies: [
                "EMKit",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(
            name: "EMKitTests",
            dependencies: ["EMKit", "EMKitKernels", "emkit"],
            exclude: ["Fixtures"]
        ),
    ]
)

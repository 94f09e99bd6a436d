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
        .target(name: "EMKit"),
        .executableTarget(
            name: "emkit",
            dependencies: [
                "EMKit",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(
            name: "EMKitTests",
            dependencies: ["EMKit", "emkit"],
            exclude: ["Fixtures"]
        ),
    ]
)

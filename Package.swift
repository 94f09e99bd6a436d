// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "EMKit",
    products: [
        .library(name: "EMKit", targets: ["EMKit"]),
        .library(name: "EMKitImaging", targets: ["EMKitImaging"]),
        .library(name: "EMKitPlots", targets: ["EMKitPlots"]),
        .library(name: "EMKitCommandLine", targets: ["EMKitCommandLine"]),
        .executable(name: "emkit", targets: ["emkit"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        // `swift package generate-documentation --target EMKit` builds the DocC catalog.
        .package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.5.0"),
    ],
    targets: [
        // The E-step's arithmetic in C, compiled for AVX2+FMA and picked at run time.
        .target(name: "EMKitKernels"),
        .target(name: "EMKit", dependencies: ["EMKitKernels"]),
        // PNG and JPEG through the reference C libraries; only EMKitImaging needs them.
        .systemLibrary(
            name: "CLibPNG", pkgConfig: "libpng16",
            providers: [.apt(["libpng-dev"]), .brew(["libpng"])]),
        .systemLibrary(
            name: "CLibJPEG", pkgConfig: "libjpeg",
            providers: [.apt(["libjpeg62-turbo-dev"]), .brew(["jpeg-turbo"])]),
        // libjpeg reports errors by longjmp, which must not cross Swift frames: this C shim calls
        // setjmp itself and returns a status (libpng is used through its simplified API).
        .target(name: "EMKitImageCodecs", dependencies: ["CLibPNG", "CLibJPEG"]),
        .target(name: "EMKitImaging", dependencies: ["EMKit", "EMKitImageCodecs"]),
        .target(name: "EMKitPlots", dependencies: ["EMKit"]),
        // The commands, a library so that the fuzz package can drive the argument layer.
        .target(
            name: "EMKitCommandLine",
            dependencies: [
                "EMKit", "EMKitImaging", "EMKitPlots",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(name: "emkit", dependencies: ["EMKitCommandLine"]),
        .testTarget(
            name: "EMKitTests",
            dependencies: ["EMKit", "EMKitKernels", "EMKitImaging", "emkit"],
            exclude: ["Fixtures"]
        ),
        .testTarget(name: "EMKitPlotsTests", dependencies: ["EMKit", "EMKitPlots"]),
    ]
)

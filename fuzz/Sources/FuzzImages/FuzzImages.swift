import EMKitImaging
import FuzzSupport

/// PNG and JPEG decoding (libpng's simplified API and libjpeg-turbo behind the setjmp shim),
/// with the pixel limit that refuses decompression bombs from their header.
@_cdecl("FuzzImages_main")
public func fuzzImagesMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
    FuzzInput.runDriver(argc, argv) { data, size in fuzzImages(data, size) }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzImages(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data else { return 0 }
    let path = FuzzInput.scratchFile(FuzzInput.bytes(data, size), extension: "img")
    if let image = try? RGBImage.read(path: path, maximumPixels: 1 << 20) {
        if image.pixels.count != image.pixelCount * 3 { fatalError("pixel buffer does not match the size") }
        _ = ImageSegmentation.features(of: image, .lab)
    }
    return 0
}

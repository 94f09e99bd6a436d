import EMKit
import FuzzSupport

/// `.npy` files: the header (magic, version, dictionary, dtype, shape), the data's size, read
/// whole and streamed.
@_cdecl("FuzzNumpy_main")
public func fuzzNumpyMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
    FuzzInput.runDriver(argc, argv) { data, size in fuzzNumpy(data, size) }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzNumpy(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data else { return 0 }
    let path = FuzzInput.scratchFile(FuzzInput.bytes(data, size), extension: "npy")
    if let matrix = try? NumpyReader.read(path: path, allowingMissing: size % 2 == 0) { FuzzInput.exercise(matrix) }
    if let file = try? NumpyFile(path: path, access: .streamed), let dataset = try? RowDataset(source: file, rowsPerChunk: 7) {
        try? dataset.forEachChunk { _, _, _, _ in }
    }
    return 0
}

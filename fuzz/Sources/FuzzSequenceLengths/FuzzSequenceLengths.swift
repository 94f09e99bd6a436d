import EMKit
import FuzzSupport

/// The lengths file of `emkit hmm` (one sequence length per line), then the sequence split it
/// asks for on a small data set, as `hmm fit --lengths` does.
@_cdecl("FuzzSequenceLengths_main")
public func fuzzSequenceLengthsMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
    FuzzInput.runDriver(argc, argv) { data, size in fuzzSequenceLengths(data, size) }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSequenceLengths(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data else { return 0 }
    let text = String(decoding: FuzzInput.bytes(data, size), as: UTF8.self)
    guard let lengths = try? SequenceLengths.parse(text, path: "fuzz") else { return 0 }
    // Data of 64 rows: lengths adding up to 64 split it, any others are refused.
    let rows = Matrix(rowCount: 64, columnCount: 1, elements: (0..<64).map { Double($0 % 3) })
    if let rowData = try? RowDataset(rows), let sequences = try? SequenceDataset(rowData, lengths: lengths) {
        var options = CategoricalHMM.FitOptions(stateCount: 2)
        options.em = EMOptions(maxIterations: 3, threadCount: 1)
        if let fit = try? CategoricalHMM.fit(sequences, options: options) {
            FuzzInput.requireFinite([fit.objective], "CategoricalHMM.fit")
        }
    }
    return 0
}

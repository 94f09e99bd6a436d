import EMKit
import FuzzSupport

/// The rounds of `emkit coins`: `H`/`T` sequences or `heads,tosses` counts, one round per line.
@_cdecl("FuzzCoinRounds_main")
public func fuzzCoinRoundsMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
    FuzzInput.runDriver(argc, argv) { data, size in fuzzCoinRounds(data, size) }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCoinRounds(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data else { return 0 }
    let text = String(decoding: FuzzInput.bytes(data, size), as: UTF8.self)
    if let (rounds, _) = try? CoinRounds.parse(text, path: "fuzz"), rounds.rowCount <= 64 {
        var options = BinomialMixture.FitOptions(componentCount: 2)
        options.em = EMOptions(maxIterations: 5, threadCount: 1)
        if let data = try? RowDataset(rounds), let fit = try? BinomialMixture.fit(data, options: options) {
            FuzzInput.requireFinite([fit.objective], "BinomialMixture.fit")
        }
    }
    return 0
}

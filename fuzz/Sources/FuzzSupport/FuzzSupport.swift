import EMKit
import Foundation

/// What every fuzz target shares: the bytes of one input, a scratch file to hand path-based
/// readers, and the one rule of the harness: any thrown error is a correct answer; only a trap,
/// a sanitizer report, a leak or a hang is a finding.
public enum FuzzInput {
    /// The input's bytes.
    public static func bytes(_ data: UnsafePointer<UInt8>, _ size: Int) -> [UInt8] {
        Array(UnsafeBufferPointer(start: data, count: size))
    }

    /// A scratch file of this process with the given extension, rewritten for every input.
    public static func scratchFile(_ bytes: [UInt8], extension suffix: String) -> String {
        let path = FileManager.default.temporaryDirectory
            .appendingPathComponent("emkit-fuzz-\(getpid()).\(suffix)").path
        _ = FileManager.default.createFile(atPath: path, contents: Data(bytes))
        return path
    }

    /// Checks that a result a reader returned holds no NaN or infinity where it promised finite
    /// numbers (a finding is a trap here, so libFuzzer keeps the input).
    public static func requireFinite(_ values: [Double], _ what: String) {
        if values.contains(where: { !$0.isFinite }) { fatalError("non-finite value returned by \(what)") }
    }

    /// Fits a small Gaussian mixture to parsed data, when it is small enough to be quick: what
    /// the data reach after parsing (validation, k-means++, the E- and M-steps) is fuzzed too.
    public static func exercise(_ samples: Matrix) {
        guard samples.rowCount >= 1, samples.rowCount <= 64, samples.columnCount <= 4 else { return }
        guard let data = try? RowDataset(samples, missingValues: .allowed) else { return }
        var options = GaussianMixture.FitOptions(componentCount: min(2, samples.rowCount))
        options.em = EMOptions(maxIterations: 5, threadCount: 1)
        if let fit = try? GaussianMixture.fit(data, options: options) {
            requireFinite([fit.objective, fit.logLikelihood], "GaussianMixture.fit")
            if let score = try? fit.model.score(samples) { requireFinite([score], "score") }
        }
    }
}

/// libFuzzer's entry point for programs that have their own `main`.
@_silgen_name("LLVMFuzzerRunDriver")
private func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
) -> CInt

extension FuzzInput {
    /// Hands the process to libFuzzer with `callback` as the target. SwiftPM renames an
    /// executable target's `main` to `TARGET_main`, so each target defines that symbol and calls
    /// this (libFuzzer's own `main` is then not linked in).
    public static func runDriver(
        _ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>,
        _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
    ) -> CInt {
        var count = argc
        var arguments: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = argv
        return LLVMFuzzerRunDriver(&count, &arguments, callback)
    }
}

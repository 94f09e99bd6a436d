import EMKit
import FuzzSupport

/// The statistics archives of `emkit estep` (EMKSTATS), read by `emkit mstep`: decoding, then
/// merging the chunks and, when they fit a small model, one M-step.
@_cdecl("FuzzStatisticsArchive_main")
public func fuzzStatisticsArchiveMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
    FuzzInput.runDriver(argc, argv) { data, size in fuzzStatisticsArchive(data, size) }
}

/// A two-component, two-column mixture the archives' statistics are merged into.
private let model: GaussianMixture? = try? GaussianMixture(
    weights: [0.5, 0.5], means: Matrix(rows: [[0, 0], [3, 3]]),
    covariances: [Matrix.identity(2), Matrix.identity(2)], covarianceType: .full)

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzStatisticsArchive(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data, let model else { return 0 }
    guard let archive = try? ChunkStatisticsArchive<GaussianMixtureStatistics>(decoding: FuzzInput.bytes(data, size)) else {
        return 0
    }
    // What mstep accepts: chunks of this model's shape.
    let empty = model.emptyStatistics()
    guard (try? archive.requireShape(of: empty)) != nil else { return 0 }
    let (statistics, _) = archive.merged(into: empty)
    if let next = try? model.maximized(from: statistics) {
        FuzzInput.requireFinite(next.weights + next.means.elements, "GaussianMixture.maximized")
    }
    return 0
}

import EMKit
import FuzzSupport

/// The statistics archives of `emkit estep` (EMKSTATS), read by `emkit mstep`: decoding, then
/// merging the chunks and, when they have the shape of a small model, one M-step. Gaussian,
/// Poisson and negative binomial mixtures (the last two share the archive kind
/// `finite-mixture`, with different component statistics).
@_cdecl("FuzzStatisticsArchive_main")
public func fuzzStatisticsArchiveMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
    FuzzInput.runDriver(argc, argv) { data, size in fuzzStatisticsArchive(data, size) }
}

/// A two-component, two-column mixture the archives' statistics are merged into.
private let gaussian: GaussianMixture? = try? GaussianMixture(
    weights: [0.5, 0.5], means: Matrix(rows: [[0, 0], [3, 3]]),
    covariances: [Matrix.identity(2), Matrix.identity(2)], covarianceType: .full)
/// The shape of `Tests/EMKitTests/Fixtures/poisson.csv` with K = 2.
private let poisson: PoissonMixture? = try? PoissonMixture(
    weights: [0.5, 0.5], components: [Poisson(rates: [1, 2, 3]), Poisson(rates: [4, 5, 6])])
/// The shape of `negative_binomial.csv` with K = 2.
private let negativeBinomial: NegativeBinomialMixture? = try? NegativeBinomialMixture(
    weights: [0.5, 0.5], components: [NegativeBinomial(means: [2, 4], sizes: [1, 3]), NegativeBinomial(means: [12, 20], sizes: [4, 2])])

/// Decodes `bytes` as `model`'s archive and, when it has the model's shape, merges it and takes
/// an M-step; the parameters of a new model must be finite.
private func step<Model: EMModel>(_ model: Model?, _ bytes: [UInt8], _ label: String, parameters: (Model) -> [Double])
where Model.Statistics: PortableStatistics {
    guard let model, let archive = try? ChunkStatisticsArchive<Model.Statistics>(decoding: bytes) else { return }
    let empty = model.emptyStatistics()
    guard (try? archive.requireShape(of: empty)) != nil else { return }
    let (statistics, _) = archive.merged(into: empty)
    if let next = try? model.maximized(from: statistics) { FuzzInput.requireFinite(parameters(next), label) }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzStatisticsArchive(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data else { return 0 }
    let bytes = FuzzInput.bytes(data, size)
    step(gaussian, bytes, "GaussianMixture.maximized") { $0.weights + $0.means.elements }
    step(poisson, bytes, "PoissonMixture.maximized") { $0.weights + $0.components.flatMap(\.parameterVector) }
    step(negativeBinomial, bytes, "NegativeBinomialMixture.maximized") { $0.weights + $0.components.flatMap(\.parameterVector) }
    return 0
}

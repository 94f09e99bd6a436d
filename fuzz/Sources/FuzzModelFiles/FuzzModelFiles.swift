import EMKit
import Foundation
import FuzzSupport

/// Every model-file kind and the prior file: JSON decoding, then the checks that build a model,
/// then a use of the model on a fixed row (scoring must give a number or an error).
@_cdecl("FuzzModelFiles_main")
public func fuzzModelFilesMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
    FuzzInput.runDriver(argc, argv) { data, size in fuzzModelFiles(data, size) }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzModelFiles(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data else { return 0 }
    let json = Data(bytes: data, count: size)
    let decoder = JSONDecoder()
    let row = Matrix(rows: [[1, 2]])
    if let file = try? decoder.decode(GaussianMixtureFile.self, from: json), let mixture = try? file.mixture(path: "fuzz") {
        if let score = try? mixture.score(Matrix(rowCount: 1, columnCount: mixture.dimension, repeating: 0.5)) {
            FuzzInput.requireFinite([score], "GaussianMixture.score")
        }
    }
    if let file = try? decoder.decode(StudentTMixtureFile.self, from: json), let mixture = try? file.mixture(path: "fuzz") {
        _ = try? mixture.score(Matrix(rowCount: 1, columnCount: mixture.dimension, repeating: 0.5))
    }
    if let file = try? decoder.decode(GammaMixtureFile.self, from: json), let mixture = try? file.mixture(path: "fuzz") {
        if let score = try? mixture.score(Matrix(rows: [[0.5], [4]])) { FuzzInput.requireFinite([score], "GammaMixture.score") }
        var generator = SeededGenerator(seed: 1)
        FuzzInput.requireFinite(mixture.sample(count: 3, using: &generator).samples.elements, "GammaMixture.sample")
    }
    if let file = try? decoder.decode(FiniteMixtureFile<Binomial>.self, from: json), let mixture = try? file.mixture(path: "fuzz") {
        _ = try? mixture.score(row)
    }
    if let file = try? decoder.decode(FiniteMixtureFile<Categorical>.self, from: json), let mixture = try? file.mixture(path: "fuzz") {
        _ = try? mixture.predictProbabilities(Matrix(rowCount: 1, columnCount: mixture.dimension, repeating: 1))
    }
    if let file = try? decoder.decode(FiniteMixtureFile<Poisson>.self, from: json), let mixture = try? file.mixture(path: "fuzz") {
        _ = try? mixture.score(Matrix(rowCount: 1, columnCount: mixture.dimension, repeating: 3))
    }
    if let file = try? decoder.decode(FiniteMixtureFile<NegativeBinomial>.self, from: json), let mixture = try? file.mixture(path: "fuzz") {
        if let score = try? mixture.score(Matrix(rowCount: 1, columnCount: mixture.dimension, repeating: 3)) {
            FuzzInput.requireFinite([score], "NegativeBinomialMixture.score")
        }
        var generator = SeededGenerator(seed: 1)
        FuzzInput.requireFinite(mixture.sample(count: 2, trials: 1, using: &generator).samples.elements, "NegativeBinomialMixture.sample")
    }
    if let file = try? decoder.decode(FiniteMixtureFile<Bernoulli>.self, from: json), let mixture = try? file.mixture(path: "fuzz") {
        _ = try? mixture.score(Matrix(rowCount: 1, columnCount: mixture.dimension, repeating: 1))
    }
    if let file = try? decoder.decode(HMMFile.self, from: json) {
        let one = try? SequenceDataset(try RowDataset(Matrix(rows: [[1], [0], [1]])))
        if let model = try? file.categoricalHMM(path: "fuzz"), let one { _ = try? model.viterbi(one) }
        if let model = try? file.poissonHMM(path: "fuzz"), let one { _ = try? model.totalLogLikelihood(one) }
        if let model = try? file.familyHMM(NegativeBinomial.self, path: "fuzz"), let one { _ = try? model.totalLogLikelihood(one) }
        if let model = try? file.gaussianHMM(path: "fuzz"),
            let rows = try? SequenceDataset(try RowDataset(Matrix(rowCount: 3, columnCount: model.emission.dimension, repeating: 0.5)))
        {
            _ = try? model.posteriors(rows)
        }
        _ = try? file.gaussianMixtureHMM(path: "fuzz")
    }
    if let file = try? decoder.decode(GaussianPriorFile.self, from: json) { _ = try? file.prior(path: "fuzz") }
    return 0
}

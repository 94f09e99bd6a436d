import EMKit

/// Builds model files from fits.
enum ModelRecord {
    /// The model file of a fit, with its fit record.
    static func file(
        for fit: EMResult<GaussianMixture>, columns: [String], samples: Int, seed: UInt64, restarts: Int
    ) throws -> GaussianMixtureFile {
        let model = fit.model
        let n = Double(samples)
        let logLikelihoodSum = fit.logLikelihood * fit.sampleWeight
        let p = Double(model.parameterCount)
        let stopReason: String
        switch fit.stopReason {
        case .converged: stopReason = "converged"
        case .reachedIterationLimit: stopReason = "iteration-limit"
        case .degenerateComponent: stopReason = "degenerate-component"
        }
        let record = GaussianMixtureFile.FitRecord(
            logLikelihood: fit.logLikelihood, iterations: fit.iterations, converged: fit.converged,
            stopReason: stopReason, bic: -2 * logLikelihoodSum + p * _log(fit.sampleWeight),
            aic: -2 * logLikelihoodSum + 2 * p, samples: Int(n), sampleWeight: fit.sampleWeight,
            parameterCount: model.parameterCount, restarts: restarts, seed: seed, history: fit.history)
        return GaussianMixtureFile(model, columns: columns, fit: record)
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
@inline(__always) func _log(_ x: Double) -> Double { log(x) }

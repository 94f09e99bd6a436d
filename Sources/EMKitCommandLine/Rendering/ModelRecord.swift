import EMKit

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Builds the fit records of model files.
enum ModelRecord {
    /// The model file's name for a stop reason.
    static func name(of reason: StopReason) -> String {
        switch reason {
        case .converged: return "converged"
        case .reachedIterationLimit: return "iteration-limit"
        case .degenerateComponent: return "degenerate-component"
        }
    }

    /// The fit record of a fit with `parameterCount` free parameters on `samples` rows.
    static func fitRecord<Model>(
        for fit: EMResult<Model>, parameterCount: Int, samples: Int, seed: UInt64, restarts: Int
    ) -> GaussianMixtureFile.FitRecord {
        // The engine's objective includes the log-prior of a MAP fit; the record keeps them apart.
        let logPrior = fit.model.logPrior()
        let logLikelihoodSum = fit.logLikelihood * fit.sampleWeight
        let p = Double(parameterCount)
        var record = GaussianMixtureFile.FitRecord(
            logLikelihood: logLikelihoodSum / fit.sampleWeight, iterations: fit.iterations, converged: fit.converged,
            stopReason: name(of: fit.stopReason), bic: -2 * logLikelihoodSum + p * log(fit.sampleWeight),
            aic: -2 * logLikelihoodSum + 2 * p, samples: samples, sampleWeight: fit.sampleWeight,
            parameterCount: parameterCount, restarts: restarts, seed: seed, history: fit.history,
            logPrior: logPrior == 0 ? nil : logPrior)
        record.estimatedGap = fit.estimatedGap.isFinite ? fit.estimatedGap : nil
        record.tolerance = fit.tolerance
        record.stoppingRule = fit.stoppingRule.rawValue
        record.degenerateParts = fit.degenerateParts.isEmpty ? nil : fit.degenerateParts.map(\.description)
        return record
    }

    /// The model file of a Gaussian mixture fit.
    static func file(
        for fit: EMResult<GaussianMixture>, columns: [String], samples: Int, seed: UInt64, restarts: Int
    ) -> GaussianMixtureFile {
        let record = fitRecord(
            for: fit, parameterCount: fit.model.parameterCount, samples: samples, seed: seed, restarts: restarts)
        return GaussianMixtureFile(fit.model, columns: columns, fit: record)
    }
}

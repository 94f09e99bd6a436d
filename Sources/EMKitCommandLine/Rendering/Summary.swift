import EMKit

/// The human-readable summary of a fit.
enum Summary {
    static func text(_ fit: EMResult<GaussianMixture>, file: GaussianMixtureFile, data: String) -> String {
        let model = fit.model
        var lines: [String] = []
        lines.append(
            "Gaussian mixture: \(model.componentCount) components, \(model.covarianceType.rawValue) covariance, "
                + "\(model.dimension) dimensions, fitted to \(file.fit?.samples ?? 0) samples of \(data)")
        lines.append(stopLine(fit))
        lines += objectiveLines(fit, record: file.fit)
        lines.append("")
        let columns = file.columns ?? (1...model.dimension).map { "column\($0)" }
        lines.append("Columns: " + Format.list(columns))
        for c in 0..<model.componentCount {
            lines.append("")
            lines.append("Component \(c + 1): weight \(Format.number(model.weights[c], digits: 6))")
            lines.append("  mean        " + Format.vector(model.means.row(c), digits: 6))
            let d = model.dimension
            switch model.covarianceType {
            case .spherical:
                lines.append("  variance    " + Format.number(model.variances(ofComponent: c)[0], digits: 6))
            case .diagonal:
                lines.append("  variances   " + Format.vector(model.variances(ofComponent: c), digits: 6))
            case .full, .tied:
                if c > 0 && model.covarianceType == .tied { continue }
                lines.append(model.covarianceType == .tied ? "  covariance (shared)" : "  covariance")
                guard d <= Format.shownItems else {
                    lines.append("    (\(d) × \(d): in the model file)")
                    continue
                }
                let sigma = model.covariance(ofComponent: c)
                for i in 0..<model.dimension {
                    lines.append("    " + (0..<model.dimension).map { " " + Format.left(Format.number(sigma[i, $0], digits: 5), 11) }.joined())
                }
            }
        }
        return lines.joined(separator: "\n")
    }
}

extension Summary {
    /// Why the fit stopped, how far its objective may still be from the optimum, the E-steps it
    /// cost when a scheme runs more than one per iteration, and which restart was kept.
    static func stopLine<Model>(_ fit: EMResult<Model>) -> String {
        var line: String
        switch fit.stopReason {
        case .converged(let iteration):
            line = "Converged after \(iteration) iterations"
            if !fit.estimatedGap.isFinite {
                line += " (by \(fit.stoppingRule.rawValue), tolerance \(Format.number(fit.tolerance, digits: 2)); the distance from the optimum could not be estimated)"
            } else if fit.estimatedGap > 0 {
                line += " (the objective is within an estimated \(Format.number(fit.estimatedGap, digits: 2)) nats per sample of its limit)"
            } else {
                line += " (the objective no longer changes)"
            }
        case .reachedIterationLimit:
            line = "Not converged: stopped at the iteration limit (\(fit.iterations) iterations); " + remainingGap(fit)
        case .degenerateComponent:
            line = fit.stopReason.description.prefix(1).uppercased() + fit.stopReason.description.dropFirst()
        }
        let plainSteps = fit.restarts.reduce(0) { $0 + $1.iterations + 1 }
        if let steps = fit.expectationSteps, steps != plainSteps { line += "; \(steps) E-steps in all" }
        if fit.restarts.count > 1 { line += "; best of \(fit.restarts.count) restarts (restart \(fit.bestRestart + 1))" }
        return line
    }

    /// How much the objective of a fit that did not converge may still rise.
    static func remainingGap<Model>(_ fit: EMResult<Model>) -> String {
        guard fit.estimatedGap.isFinite else {
            return "how far the objective still is from its optimum cannot be estimated yet (its increments are not shrinking)"
        }
        return "the objective may still rise by about \(Format.number(fit.estimatedGap, digits: 2)) nats per sample "
            + "(\(Format.number(fit.estimatedGap * fit.sampleWeight, digits: 2)) in total)"
    }

    /// The log-likelihood (and, for a MAP fit, the log-prior and log-posterior) and the
    /// information criteria.
    static func objectiveLines<Model>(
        _ fit: EMResult<Model>, record: GaussianMixtureFile.FitRecord?, per unit: String = "sample"
    ) -> [String] {
        var lines: [String] = []
        lines.append("Mean log-likelihood per \(unit): \(Format.number(record?.logLikelihood ?? fit.logLikelihood, digits: 10))")
        if let logPrior = record?.logPrior {
            lines.append(
                "Log-prior: \(Format.number(logPrior, digits: 10)); mean log-posterior per \(unit) (the MAP objective): "
                    + Format.number(fit.objective, digits: 10))
        }
        if let record {
            lines.append(
                "BIC \(Format.number(record.bic, digits: 8))   AIC \(Format.number(record.aic, digits: 8))   "
                    + "free parameters \(record.parameterCount)")
        }
        return lines
    }
}

extension Summary {
    /// The summary of a binomial, Bernoulli, categorical, Poisson or negative binomial mixture fit.
    static func text<Component: MixtureComponent>(
        _ fit: EMResult<FiniteMixture<Component>>, file: FiniteMixtureFile<Component>, data: String
    ) -> String {
        let model = fit.model
        let name = Component.familyName.replacingOccurrences(of: "-", with: " ")
        let family = name.prefix(1).uppercased() + name.dropFirst()
        var lines = [
            "\(family) mixture: \(model.componentCount) components, \(model.dimension) columns, fitted to "
                + "\(file.fit?.samples ?? 0) rows of \(data)" + (model.fitSettings.fixWeights ? " (weights held fixed)" : ""),
            stopLine(fit),
        ]
        lines += objectiveLines(fit, record: file.fit)
        lines.append("")
        if let columns = file.columns { lines.append("Columns: " + Format.list(columns)) }
        for c in 0..<model.componentCount {
            lines.append("")
            lines.append("Component \(c + 1): weight \(Format.number(model.weights[c], digits: 6))")
            for (name, values) in model.components[c].namedParameters {
                lines.append("  \(name)  " + Format.vector(values, digits: 6))
            }
        }
        return lines.joined(separator: "\n")
    }
}

import ArgumentParser
import EMKit

extension EMKitCommand {
    /// `emkit demo`: the seeds' examples on data that ships with EMKit.
    struct Demo: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Fit the built-in examples and compare the fits with the truth.",
            discussion: """
                1. Seed 004's two-dimensional mixture of three Gaussians (weights 0.6/0.3/0.1), 200 points.
                2. Fisher's Iris data (150 flowers × 4 measurements), three components against the three species.
                """)

        @Option(name: .long, help: "Seed of the fits and of the generated sample.")
        var seed: UInt64 = 4

        @Option(name: .long, help: "Restarts per fit.")
        var restarts: Int = 5

        func validate() throws {
            guard restarts >= 1 else { throw ValidationError("--restarts must be ≥ 1, got \(restarts)") }
        }

        func run() throws {
            var report: [String] = ["EMKit demo", ""]
            let truth = Datasets.seed004Mixture
            let sample = Datasets.seed004Sample(count: 200, seed: seed)
            report.append("1. Seed 004: three Gaussians in the plane, \(sample.samples.rowCount) points")
            report += try section(sample, covarianceType: .full, truth: truth)
            report.append("")
            let iris = Datasets.iris
            report.append("2. Fisher's Iris: \(iris.samples.rowCount) flowers × 4 measurements (cm), 3 species")
            report += try section(iris, covarianceType: .full, truth: nil)
            print(report.joined(separator: "\n"))
        }

        /// Fits K = number of classes and compares with the true labels (and parameters, if known).
        private func section(_ data: Datasets.Labelled, covarianceType: CovarianceType, truth: GaussianMixture?) throws -> [String] {
            let k = data.classNames.count
            var options = GaussianMixture.FitOptions(componentCount: k, covarianceType: covarianceType)
            options.em.restarts = restarts
            options.em.seed = seed
            let fit = try GaussianMixture.fit(RowDataset(data.samples), options: options)
            let model = fit.model
            let labels = try model.predict(data.samples)
            let (accuracy, mapping) = ClusterAgreement.accuracy(predicted: labels, truth: data.labels)
            let ari = ClusterAgreement.adjustedRandIndex(labels, data.labels)
            var lines = [
                "   K = \(k), \(covarianceType.rawValue) covariance, k-means++ initialisation, best of \(restarts) restarts: "
                    + "\(fit.stopReason), mean log-likelihood \(Format.number(fit.logLikelihood, digits: 8))",
                "",
            ]
            if let truth {
                lines.append("   component  weight (true)       mean (true)                        covariance (true)")
                for c in 0..<k {
                    let t = mapping[c] >= 0 ? mapping[c] : c
                    let sigma = model.covariance(ofComponent: c)
                    let trueSigma = truth.covariance(ofComponent: t)
                    lines.append(
                        "   \(c + 1)          "
                            + pad("\(Format.number(model.weights[c], digits: 3)) (\(Format.number(truth.weights[t], digits: 3)))", 20)
                            + pad("\(Format.vector(model.means.row(c), digits: 3)) \(Format.vector(truth.means.row(t), digits: 3))", 35)
                            + "\(matrix(sigma)) \(matrix(trueSigma))")
                }
            } else {
                lines.append("   component  weight   mean")
                for c in 0..<k {
                    lines.append("   \(c + 1)          \(pad(Format.number(model.weights[c], digits: 3), 9))\(Format.vector(model.means.row(c), digits: 4))")
                }
                lines.append("")
                lines.append("   species × component   " + (0..<k).map { Format.left("\($0 + 1)", 5) }.joined())
                let table = ClusterAgreement.contingency(data.labels, labels)
                for (s, name) in data.classNames.enumerated() {
                    lines.append("   " + pad(name, 22) + (0..<k).map { Format.left("\(s < table.count && $0 < table[s].count ? table[s][$0] : 0)", 5) }.joined())
                }
            }
            lines.append("")
            lines.append(
                "   agreement with the true labels: \(Format.number(accuracy * 100, digits: 4))% of points "
                    + "(best matching of components to classes), adjusted Rand index \(Format.number(ari, digits: 3))")
            return lines
        }

        private func pad(_ text: String, _ width: Int) -> String {
            text + String(repeating: " ", count: max(1, width - text.count))
        }

        private func matrix(_ m: Matrix) -> String {
            "[" + m.rows.map { $0.map { Format.number($0, digits: 2) }.joined(separator: " ") }.joined(separator: "; ") + "]"
        }
    }
}

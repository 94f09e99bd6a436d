import ArgumentParser
import EMKit
import Foundation

extension ModelSelection.Criterion: ExpressibleByArgument {}

extension EMKitCommand {
    /// `emkit select`: choose K and the covariance structure by an information criterion.
    struct Select: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Fit Gaussian mixtures for a range of K and covariance types and tabulate an information criterion.",
            discussion: "Prints a table like mclust's (rows K, columns covariance types; lower is better) and the best model.")

        @Argument(help: ArgumentHelp("The data: a CSV or .npy file, or - for CSV on standard input.", valueName: "data"))
        var data: String

        @Option(name: [.customShort("k"), .long], help: ArgumentHelp("The values of K: a range like 1...10 or a list like 2,3,5.", valueName: "range"))
        var components: String = "1...9"

        @Option(name: .long, help: ArgumentHelp("Covariance types, comma-separated, or 'all'.", valueName: "list"))
        var covariance: String = "all"

        @Option(name: .long, help: "The criterion to minimise.")
        var criterion: ModelSelection.Criterion = .bic

        @OptionGroup var dataOptions: DataOptions

        @Option(name: .long, help: "Added to covariance diagonals (default 1e-6; 0 with --prior).")
        var regularization: Double?

        @OptionGroup var prior: PriorOptionGroup

        @OptionGroup var em: EMOptionGroup

        @Option(name: [.short, .long], help: ArgumentHelp("Write the best model here.", valueName: "model.json"))
        var output: String?

        @Option(name: .long, help: ArgumentHelp("Draw the criterion against K as an SVG file.", valueName: "plot.svg"))
        var plot: String?

        @Option(name: .long, help: "text: the table; json: every candidate's score.")
        var format: OutputFormat = .text

        func componentCounts() throws -> [Int] {
            let text = components.replacingOccurrences(of: " ", with: "")
            for separator in ["...", "..", "-"] {
                let parts = text.components(separatedBy: separator)
                if parts.count == 2, let low = Int(parts[0]), let high = Int(parts[1]) {
                    guard low >= 1, high >= low else { throw ValidationError("--components range must be 1 ≤ low ≤ high, got \(components)") }
                    guard high - low < 1000 else {
                        throw ValidationError("--components may name at most 1000 values of K, got \(components)")
                    }
                    return Array(low...high)
                }
            }
            let values = text.split(separator: ",").map { Int($0) }
            guard !values.isEmpty, values.allSatisfy({ ($0 ?? 0) >= 1 }) else {
                throw ValidationError("--components takes a range like 1...10 or a list like 2,3,5; got '\(components)'")
            }
            return values.compactMap { $0 }
        }

        func covarianceTypes() throws -> [CovarianceType] {
            if covariance == "all" { return CovarianceType.allCases }
            return try covariance.split(separator: ",").map {
                guard let type = CovarianceType(rawValue: String($0)) else {
                    throw ValidationError("--covariance takes full, diagonal, spherical, tied or all; got '\($0)'")
                }
                return type
            }
        }

        func validate() throws {
            _ = try componentCounts()
            _ = try covarianceTypes()
        }

        func run() throws {
            try FileAccess.refuseOverwriting(inputs: [data], outputs: [output, plot])
            let counts = try componentCounts()
            // Every candidate's covariances are d × d in memory or in the --output file.
            let limit = GaussianMixtureFile.columnLimit(matrixCount: counts.max() ?? 1)
            let table = try dataOptions.read(data, columnLimit: limit)
            let dataset = try RowDataset(table.samples)
            try GaussianMixtureFile.checkSize(matrixCount: counts.max() ?? 1, dimension: dataset.dimension)
            let types = try covarianceTypes()
            var options = GaussianMixture.FitOptions(componentCount: 1)
            options.em = em.emOptions
            options.squarem = em.usesSQUAREM()
            options.settings.regularization = regularization ?? (prior.choice == .none ? 1e-6 : 0)
            let quiet = em.quiet
            let prior = self.prior
            let (candidates, best) = ModelSelection.compare(
                dataset, componentCounts: counts, covarianceTypes: types, criterion: criterion, options: options,
                prior: prior.choice == .none ? nil : { k, type in try prior.gaussianPrior(for: dataset, componentCount: k, covarianceType: type) },
                progress: { index, total in if !quiet { Terminal.progress("fitting model \(index + 1) of \(total)") } })
            Terminal.clearProgress()
            for caution in ModelSelection.cautions(candidates: candidates, best: best) { Terminal.warning(caution) }
            let outputs = OutputBatch()  // the plot and the model appear together or not at all
            if let plot {
                let series = types.map { type in
                    (name: type.rawValue, values: counts.map { k in candidates.first { $0.componentCount == k && $0.covarianceType == type }?.score })
                }
                try outputs.stage(Array(PlotRendering.criterion(counts: counts, series: series, name: criterion.rawValue.uppercased(), title: "\(criterion.rawValue.uppercased()) of \(data)").utf8), to: plot)
            }
            if let output, let best, let fit = candidates[best].fit {
                let file = ModelRecord.file(for: fit, columns: table.columnNames, samples: dataset.sampleCount, seed: em.seed, restarts: em.restarts)
                try outputs.stage(try file.encoded(), to: output)
            }
            try outputs.commit()
            switch format {
            case .json:
                let entries = candidates.map { c in
                    "{\"components\": \(c.componentCount), \"covarianceType\": \"\(c.covarianceType.rawValue)\", "
                        + "\"\(criterion.rawValue)\": \(c.score.map { "\($0)" } ?? "null")"
                        + (c.error.map { ", \"failure\": \(Format.jsonString("\(ErrorMessages.translated($0))"))" } ?? "") + "}"
                }
                print("{\"criterion\": \"\(criterion.rawValue)\", \"best\": \(best.map { "{\"components\": \(candidates[$0].componentCount), \"covarianceType\": \"\(candidates[$0].covarianceType.rawValue)\"}" } ?? "null"), \"candidates\": [\(entries.joined(separator: ", "))]}")
            case .text:
                var lines = ["\(criterion.rawValue.uppercased()) (lower is better) for \(table.samples.rowCount) samples of \(data)", ""]
                lines.append("   K" + types.map { Format.left($0.rawValue, 14) }.joined())
                for k in counts {
                    var line = Format.left("\(k)", 4)
                    for type in types {
                        let index = candidates.firstIndex { $0.componentCount == k && $0.covarianceType == type }
                        let cell = index.flatMap { candidates[$0].score.map { Format.number($0, digits: 7) } } ?? "—"
                        let mark = index == best ? " *" : (index.map { candidates[$0].isDegenerate } ?? false) ? " !" : "  "
                        line += Format.left(cell + mark, 14)
                    }
                    lines.append(line)
                }
                if let best {
                    lines.append("")
                    lines.append("best: K = \(candidates[best].componentCount), \(candidates[best].covarianceType.rawValue) covariance (marked *)")
                }
                let failures = candidates.filter { $0.failure != nil }
                if let first = failures.first?.error {
                    lines.append("— : \(failures.count) fits failed (e.g. \(ErrorMessages.translated(first)))")
                }
                let degenerate = candidates.filter(\.isDegenerate)
                if let example = degenerate.first {
                    lines.append(
                        "! : \(degenerate.count) fits reached a degenerate optimum and are not chosen (e.g. K = \(example.componentCount), "
                            + "\(example.covarianceType.rawValue): \(example.fit?.degenerateParts.first?.description ?? ""))")
                }
                print(lines.joined(separator: "\n"))
            }
        }
    }
}

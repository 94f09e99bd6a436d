import ArgumentParser
import EMKit

extension EMKitCommand {
    /// `emkit fit`: fits a mixture to a data file.
    struct Fit: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Fit a mixture model to a data file.",
            discussion: """
                Prints a summary (or, with --format json, the model file) on standard output. \
                Save the model with --output and use it with 'emkit predict', 'score' and 'sample'. \
                Rows are: real vectors (gaussian); (successes, trials) (binomial); 0/1 features \
                (bernoulli); category counts, or one column of labels (categorical); counts (poisson, \
                negative-binomial for over-dispersed counts); \
                one column of positive values (gamma).
                """)

        @Option(name: .long, help: "The mixture family.")
        var model: ModelFamily = .gaussian

        @Argument(help: ArgumentHelp("The data: a CSV or .npy file, or - for CSV on standard input.", valueName: "data"))
        var data: String

        @Option(name: [.customShort("k"), .long], help: "The number of mixture components.")
        var components: Int

        @Flag(name: .long, help: "Hold the mixing weights fixed and equal (discrete families).")
        var fixWeights = false

        @Option(name: .long, help: "Pseudo-count added to every count and component weight (a conjugate prior; discrete families; 0: none).")
        var priorCount: Double = 0

        @Option(name: .long, help: "The covariance structure.")
        var covariance: CovarianceType = .full

        @OptionGroup var dataOptions: DataOptions

        @OptionGroup var missing: MissingValueOptions

        @Option(name: .long, help: ArgumentHelp("A CSV column of non-negative sample weights (name or 1-based position).", valueName: "column"))
        var weights: String?

        @Option(name: .long, help: "Keep the data as 64-bit (double) or 32-bit (float, half the memory) numbers; arithmetic is in double either way.")
        var precision: Precision = .double

        @Option(
            name: .long,
            help: ArgumentHelp(
                "Stream data larger than this (bytes, or with K, M, G) from disk in chunks each iteration instead of holding it in memory.",
                valueName: "size"))
        var maxMemory: ByteCount?

        @Option(name: .long, help: "How each restart is initialised.")
        var `init`: InitializationChoice = .kmeans

        @Option(name: .long, help: ArgumentHelp("Start from the weights, means and covariances in this model file.", valueName: "model.json"))
        var initFrom: String?

        @Option(name: .long, help: "Added to every covariance diagonal (data units squared). Default 1e-6; 0 with --prior.")
        var regularization: Double?

        @OptionGroup var prior: PriorOptionGroup

        @Flag(name: .long, help: "Hard (classification) EM: each sample goes wholly to its most probable component.")
        var hard = false

        @Option(name: .long, help: "What to do when a component empties or collapses.")
        var onDegenerate: GaussianMixture.DegeneracyPolicy = .fail

        @OptionGroup var em: EMOptionGroup

        @Flag(name: .long, help: "Stepwise (mini-batch) EM: an M-step after every batch; --max-iterations counts passes over the data.")
        var stepwise = false

        @Option(name: .long, help: "Rows per mini-batch with --stepwise.")
        var batchSize: Int = 2048

        @Option(name: .long, help: "Step-size decay α in (0.5, 1] with --stepwise: step t is (t + offset)^-α.")
        var stepDecay: Double = 0.7

        @Option(name: .long, help: "Step-size offset (≥ 1) with --stepwise.")
        var stepOffset: Double = 2

        @Flag(name: .long, help: "Print the fit's wall-clock seconds and peak memory to standard error as one JSON line.")
        var reportTiming = false

        @Option(name: [.short, .long], help: ArgumentHelp("Write the model file here (atomically).", valueName: "model.json"))
        var output: String?

        @Option(name: .long, help: "text: a summary for people; json: the model file.")
        var format: OutputFormat = .text

        enum ModelFamily: String, ExpressibleByArgument, CaseIterable {
            case gaussian, binomial, bernoulli, categorical, poisson
            case studentT = "student-t"
            case vbGaussian = "vb-gaussian"
            case gamma
            case negativeBinomial = "negative-binomial"
        }

        @Option(name: .long, help: "With --model vb-gaussian: the prior on the weights (default: dirichlet-process).")
        var weightPrior: VariationalGaussianMixture.WeightPrior?

        @Option(name: .long, help: "With --model vb-gaussian: the weight prior's concentration γ > 0 (default 1/K; smaller switches off more components).")
        var concentration: Double?

        enum InitializationChoice: String, ExpressibleByArgument, CaseIterable {
            case kmeans, random, randomFromData = "random-from-data"
        }

        func validate() throws {
            guard batchSize >= 1 else { throw ValidationError("--batch-size must be ≥ 1, got \(batchSize)") }
            guard stepDecay > 0.5, stepDecay <= 1 else { throw ValidationError("--step-decay must be in (0.5, 1], got \(stepDecay)") }
            guard stepOffset >= 1, stepOffset.isFinite else { throw ValidationError("--step-offset must be ≥ 1, got \(stepOffset)") }
            guard components >= 1 else { throw ValidationError("--components must be ≥ 1, got \(components)") }
            guard priorCount >= 0, priorCount.isFinite else { throw ValidationError("--prior-count must be ≥ 0, got \(priorCount)") }
            if let regularization, !(regularization >= 0 && regularization.isFinite) {
                throw ValidationError("--regularization must be a finite number ≥ 0, got \(regularization)")
            }
            if model == .studentT && prior.choice != .none {
                throw ValidationError("--prior is for the Gaussian and discrete families, not --model student-t")
            }
            if model == .studentT || model == .gamma {
                // ECM for the t mixture and EM-gradient for the gamma mixture have none of these;
                // refuse them rather than ignore them.
                let unavailable = [
                    (hard, "--hard"), (stepwise, "--stepwise"), (fixWeights, "--fix-weights"), (priorCount > 0, "--prior-count"),
                    (onDegenerate == .reseed, "--on-degenerate reseed"), (`init` != .kmeans, "--init \(`init`.rawValue)"),
                    (model == .gamma && prior.choice != .none, "--prior"), (model == .gamma && initFrom != nil, "--init-from"),
                    (model == .gamma && regularization != nil, "--regularization"),
                ].filter(\.0).map(\.1)
                if let first = unavailable.first { throw ValidationError("\(first) is not available with --model \(model.rawValue)") }
            }
            if em.accelerate == .squarem && stepwise { throw ValidationError("--accelerate squarem and --stepwise cannot be combined") }
            if model == .vbGaussian {
                // Variational Bayes has its own priors, starts from responsibilities, and is batch EM.
                let unavailable = [
                    (prior.choice != .none, "--prior (its priors are --weight-prior and --concentration)"),
                    (priorCount > 0, "--prior-count"), (stepwise, "--stepwise"), (hard, "--hard"),
                    (onDegenerate == .reseed, "--on-degenerate reseed"), (fixWeights, "--fix-weights"),
                    (initFrom != nil, "--init-from"), (`init` == .randomFromData, "--init random-from-data"),
                    (em.accelerate == .squarem, "--accelerate squarem"),
                ].filter(\.0).map(\.1)
                if let first = unavailable.first { throw ValidationError("\(first) is not available with --model vb-gaussian") }
            } else if weightPrior != nil || concentration != nil {
                throw ValidationError("--weight-prior and --concentration are for --model vb-gaussian")
            }
            if let concentration, !(concentration > 0 && concentration.isFinite) {
                throw ValidationError("--concentration must be a finite number > 0, got \(concentration)")
            }
            if case .file = prior.choice, model != .gaussian {
                throw ValidationError(
                    "a prior file describes a Gaussian prior; for --model \(model.rawValue) use --prior default or --prior-count")
            }
        }

        func run() throws {
            try FileAccess.refuseOverwriting(inputs: [data, initFrom].compactMap { $0 }, outputs: [output])
            try FileAccess.checkWritable([output])
            // Gaussian mixtures marginalise missing values; the discrete families need complete rows.
            let gaussianFamily = [.gaussian, .studentT, .vbGaussian].contains(model)
            var opened = try dataOptions.open(
                data, weightColumn: weights, precision: precision, maxMemory: maxMemory?.bytes,
                missingMarkers: model == .gaussian ? missing.markers : nil,
                columnLimit: gaussianFamily ? GaussianMixtureFile.columnLimit(matrixCount: components) : nil)
            if opened.dataset.emptyRowCount > 0 {
                Terminal.message("note: \(opened.dataset.emptyRowCount) rows have no observed value; they are left out of the fit")
            }
            defer { opened.close() }
            if model == .categorical && opened.dataset.dimension == 1 {
                // One column of labels: one-hot category counts.
                var labels: [Double] = []
                try opened.dataset.forEachChunk { _, count, rows, _ in labels += UnsafeBufferPointer(start: rows, count: count) }
                let (counts, categories) = Categorical.counts(fromLabels: labels)
                opened.dataset = try RowDataset(counts, sampleWeights: opened.dataset.sampleWeights)
                opened.columnNames = categories.map(Format.count)
            }
            if gaussianFamily {
                try GaussianMixtureFile.checkSize(matrixCount: components, dimension: opened.dataset.dimension)
            }
            switch model {
            case .gaussian: try fitGaussian(opened)
            case .binomial: try fitFinite(Binomial.self, opened)
            case .bernoulli: try fitFinite(Bernoulli.self, opened)
            case .categorical: try fitFinite(Categorical.self, opened)
            case .poisson: try fitFinite(Poisson.self, opened)
            case .negativeBinomial: try fitFinite(NegativeBinomial.self, opened)
            case .studentT: try fitStudentT(opened)
            case .gamma: try fitGamma(opened)
            case .vbGaussian: try fitVariational(opened)
            }
        }

        private func fitGaussian(_ opened: OpenedData) throws {
            var dataset = opened.dataset
            var options = GaussianMixture.FitOptions(componentCount: components, covarianceType: covariance)
            (dataset, options.stepwise) = try stepwiseSetting(dataset)
            options.squarem = em.usesSQUAREM(available: !stepwise && !hard)
            // A prior keeps covariances positive definite by itself, so it needs no regularisation.
            let gaussianPrior = try prior.gaussianPrior(for: dataset, componentCount: components, covarianceType: covariance)
            options.settings = .init(
                regularization: regularization ?? (gaussianPrior == nil ? 1e-6 : 0), assignment: hard ? .hard : .soft,
                degeneracyPolicy: onDegenerate, prior: gaussianPrior)
            options.em = em.emOptions
            switch `init` {
            case .kmeans: options.initialization = .kMeans
            case .random: options.initialization = .randomResponsibilities
            case .randomFromData: options.initialization = .randomFromData
            }
            if let initFrom {
                let start = try GaussianMixtureFile.read(path: initFrom).mixture(path: initFrom)
                guard start.componentCount == components else {
                    throw ValidationError(
                        "--components is \(components) but \(initFrom) has \(start.componentCount) components")
                }
                guard start.covarianceType == covariance else {
                    throw ValidationError(
                        "--covariance is \(covariance.rawValue) but \(initFrom) is \(start.covarianceType.rawValue); "
                            + "pass --covariance \(start.covarianceType.rawValue)")
                }
                options.initialization = .parameters(start)
            }
            let fit: EMResult<GaussianMixture>
            let clock = ContinuousClock()
            let started = clock.now
            do {
                fit = try GaussianMixture.fit(dataset, options: options)
            } catch {
                Terminal.clearProgress()
                throw error
            }
            Terminal.clearProgress()
            report(fit, started: started, clock: clock)
            let file = ModelRecord.file(for: fit, columns: opened.columnNames, samples: dataset.sampleCount - dataset.emptyRowCount, seed: em.seed, restarts: em.restarts)
            try deliver(try file.encoded()) { Summary.text(fit, file: file, data: opened.description) }
        }
    }
}

extension EMKitCommand.Fit {
    /// Writes the model file to `--output`, then prints it (`--format json`) or the summary.
    func deliver(_ fileBytes: [UInt8], summary: () throws -> String) throws {
        if let output { try FileAccess.writeAtomically(fileBytes, to: output) }
        switch format {
        case .json: print(String(decoding: fileBytes, as: UTF8.self), terminator: "")
        case .text: print(try summary())
        }
    }

    /// Warnings, timing and the not-converged note, on standard error.
    func report<Model>(_ fit: EMResult<Model>, started: ContinuousClock.Instant, clock: ContinuousClock) {
        Terminal.clearProgress()
        if reportTiming {
            Terminal.reportTiming(since: started, clock: clock, iterations: fit.restarts.map(\.iterations).reduce(0, +), threads: em.threads)
        }
        let accelerated = em.usesSQUAREM(available: !stepwise && !hard && model != .vbGaussian)
        Terminal.warnings(of: fit, hint: accelerated || model == .vbGaussian || stepwise || hard
            ? "raise --max-iterations" : "raise --max-iterations, or try --accelerate squarem")
    }

    /// Dataset chunks sized for --stepwise, and the schedule.
    func stepwiseSetting(_ dataset: RowDataset) throws -> (RowDataset, StepwiseSchedule?) {
        guard stepwise else { return (dataset, nil) }
        // A mini-batch is a run of chunks; chunks no larger than the batch keep batches exact.
        let rowsPerChunk = min(batchSize, dataset.rowsPerChunk)
        let rechunked = try RowDataset(source: dataset.source, sampleWeights: dataset.sampleWeights, rowsPerChunk: rowsPerChunk)
        return (rechunked, StepwiseSchedule(chunksPerBatch: (batchSize + rowsPerChunk - 1) / rowsPerChunk, decay: stepDecay, offset: stepOffset))
    }

    /// Fits a Student-t mixture by ECM (robust to outliers).
    func fitStudentT(_ opened: OpenedData) throws {
        var start: StudentTMixture? = nil
        if let initFrom { start = try StudentTMixtureFile.read(path: initFrom).mixture(path: initFrom) }
        let clock = ContinuousClock()
        let started = clock.now
        var options = StudentTMixture.FitOptions(componentCount: components)
        options.start = start
        options.regularization = regularization ?? 1e-6
        options.squarem = em.usesSQUAREM()
        options.em = em.emOptions
        let fit = try StudentTMixture.fit(opened.dataset, options: options)
        report(fit, started: started, clock: clock)
        let record = ModelRecord.fitRecord(
            for: fit, parameterCount: fit.model.parameterCount, samples: opened.dataset.sampleCount, seed: em.seed, restarts: em.restarts)
        let file = StudentTMixtureFile(fit.model, columns: opened.columnNames, fit: record)
        try deliver(try file.encoded()) {
            var lines = [
                "Student-t mixture: \(components) components, \(fit.model.dimension) dimensions, fitted by ECM to "
                    + "\(opened.dataset.sampleCount) samples of \(opened.description)",
                Summary.stopLine(fit),
                "Mean log-likelihood per sample: \(Format.number(fit.logLikelihood, digits: 10))",
            ]
            for c in 0..<fit.model.componentCount {
                lines.append("")
                lines.append("Component \(c + 1): weight \(Format.number(fit.model.weights[c], digits: 6)), "
                    + "degrees of freedom \(Format.number(fit.model.degreesOfFreedom[c], digits: 5))"
                    + (fit.model.componentsAtGaussianLimit.contains(c) ? " (at its bound: Gaussian in all but name)" : ""))
                lines.append("  mean        " + Format.vector(fit.model.means.row(c), digits: 6))
            }
            return lines.joined(separator: "\n")
        }
    }

    /// Fits a gamma mixture to one column of positive values by EM-gradient.
    func fitGamma(_ opened: OpenedData) throws {
        let clock = ContinuousClock()
        let started = clock.now
        var options = GammaMixture.FitOptions(componentCount: components)
        options.squarem = em.usesSQUAREM()
        options.em = em.emOptions
        let fit = try GammaMixture.fit(opened.dataset, options: options)
        report(fit, started: started, clock: clock)
        let record = ModelRecord.fitRecord(
            for: fit, parameterCount: fit.model.parameterCount, samples: opened.dataset.sampleCount, seed: em.seed, restarts: em.restarts)
        let file = GammaMixtureFile(fit.model, columns: opened.columnNames, fit: record)
        try deliver(try file.encoded()) {
            var lines = [
                "Gamma mixture: \(components) components, fitted by EM-gradient to \(opened.dataset.sampleCount) values of \(opened.description)",
                Summary.stopLine(fit),
                "Mean log-likelihood per sample: \(Format.number(fit.logLikelihood, digits: 10))",
                "",
                "component  weight     shape α     rate β      mean α/β",
            ]
            for c in 0..<fit.model.componentCount {
                let (weight, shape, rate) = (fit.model.weights[c], fit.model.shapes[c], fit.model.rates[c])
                lines.append(
                    Format.left("\(c + 1)", 9) + "  " + [weight, shape, rate, shape / rate].map { Format.left(Format.number($0, digits: 6), 10) }
                        .joined(separator: " "))
            }
            return lines.joined(separator: "\n")
        }
    }

    /// Fits a Gaussian mixture by variational Bayes; writes its point estimate as a Gaussian
    /// mixture file whose `history` is the lower bound per sample.
    func fitVariational(_ opened: OpenedData) throws {
        var options = VariationalGaussianMixture.FitOptions(componentCount: components, covarianceType: covariance)
        options.weightPrior = weightPrior ?? .dirichletProcess
        options.weightConcentration = concentration
        options.regularization = regularization ?? 1e-6
        switch `init` {
        case .kmeans: options.initialization = .kMeans
        case .random: options.initialization = .randomResponsibilities
        case .randomFromData: options.initialization = .kMeans  // refused by validate()
        }
        options.em = em.emOptions
        let clock = ContinuousClock()
        let started = clock.now
        let fit = try VariationalGaussianMixture.fit(opened.dataset, options: options)
        report(fit, started: started, clock: clock)
        // The point estimate's log-likelihood: the engine's objective after no iteration.
        let point = fit.model.pointEstimate
        let evaluated = try ExpectationMaximization.fit(
            opened.dataset, options: EMOptions(maxIterations: 0, threadCount: em.threads)) { _, _ in point }
        var record = ModelRecord.fitRecord(
            for: evaluated, parameterCount: point.parameterCount, samples: opened.dataset.sampleCount, seed: em.seed, restarts: em.restarts)
        record.iterations = fit.iterations
        record.converged = fit.converged
        record.stopReason = ModelRecord.name(of: fit.stopReason)
        record.history = fit.history
        record.estimatedGap = fit.estimatedGap.isFinite ? fit.estimatedGap : nil
        record.tolerance = fit.tolerance
        record.stoppingRule = fit.stoppingRule.rawValue
        // Components the Dirichlet-process prior switched off are its answer, not a degeneracy.
        record.degenerateParts = nil
        let file = GaussianMixtureFile(point, columns: opened.columnNames, fit: record)
        try deliver(try file.encoded()) {
            let used = fit.model.weights.filter { $0 >= 0.01 }.count
            var lines = [
                "Variational Bayesian Gaussian mixture (\(options.weightPrior.rawValue) weight prior): \(components) components, "
                    + "\(used) with weight ≥ 0.01, \(covariance.rawValue) covariance, fitted to \(opened.dataset.sampleCount) samples of "
                    + opened.description,
                Summary.stopLine(fit),
                "Lower bound per sample: \(Format.number(fit.objective, digits: 10)) (total \(Format.number(fit.model.lowerBound, digits: 10)))",
                "Mean log-likelihood per sample of the point estimate: \(Format.number(record.logLikelihood, digits: 10))",
            ]
            for c in 0..<components {
                lines.append("")
                lines.append("Component \(c + 1): expected weight \(Format.number(fit.model.weights[c], digits: 6))")
                lines.append("  mean        " + Format.vector(fit.model.means.row(c), digits: 6))
            }
            return lines.joined(separator: "\n")
        }
    }

    /// Fits a binomial, Bernoulli, categorical, Poisson or negative binomial mixture.
    func fitFinite<Component: MixtureComponent>(_ family: Component.Type, _ opened: OpenedData) throws {
        var options = FiniteMixture<Component>.FitOptions(componentCount: components)
        options.fixWeights = fixWeights
        options.settings.assignment = hard ? .hard : .soft
        // --prior default: Laplace smoothing (pseudo-count 1) unless --prior-count says otherwise.
        let pseudoCount = priorCount > 0 ? priorCount : (prior.choice == .fraleyRaftery ? 1 : 0)
        if pseudoCount > 0 {
            options.settings.weightPseudoCount = fixWeights ? 0 : pseudoCount
            options.settings.componentPrior = Component.prior(pseudoCount: pseudoCount)
        }
        options.em = em.emOptions
        options.initialization = `init` == .kmeans ? .kMeans : .randomResponsibilities
        if let initFrom {
            let start = try FiniteMixtureFile<Component>.read(path: initFrom).mixture(path: initFrom)
            guard start.componentCount == components else {
                throw ValidationError("--components is \(components) but \(initFrom) has \(start.componentCount) components")
            }
            options.initialization = .parameters(start)
        }
        let (dataset, schedule) = try stepwiseSetting(opened.dataset)
        options.stepwise = schedule
        options.squarem = em.usesSQUAREM(available: !stepwise && !hard)
        let clock = ContinuousClock()
        let started = clock.now
        let fit: EMResult<FiniteMixture<Component>>
        do {
            fit = try FiniteMixture<Component>.fit(dataset, options: options)
        } catch {
            Terminal.clearProgress()
            throw error
        }
        report(fit, started: started, clock: clock)
        let record = ModelRecord.fitRecord(
            for: fit, parameterCount: fit.model.parameterCount, samples: dataset.sampleCount - dataset.emptyRowCount, seed: em.seed, restarts: em.restarts)
        let file = FiniteMixtureFile(fit.model, columns: opened.columnNames, fit: record)
        try deliver(try file.encoded()) { Summary.text(fit, file: file, data: opened.description) }
    }
}

extension CovarianceType: ExpressibleByArgument {}
extension GaussianMixture.DegeneracyPolicy: ExpressibleByArgument {}
extension VariationalGaussianMixture.WeightPrior: ExpressibleByArgument {}

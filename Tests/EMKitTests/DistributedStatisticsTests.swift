import Foundation
import Testing

@testable import EMKit

/// Statistics leave the process exactly: E-steps of parts of a data set computed by separate
/// `emkit estep` processes, merged in order, give the in-process statistics and the same next
/// model bit for bit.
@Suite("Statistics across processes", .serialized)
struct DistributedStatisticsTests {
    static func scratch() throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("emkit-distributed-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory
    }

    @Test("two estep processes and one mstep reproduce the in-process E- and M-step bit for bit", arguments: CovarianceType.allCases)
    func separateProcesses(_ type: CovarianceType) throws {
        let directory = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: directory) }
        let lines = try String(contentsOfFile: Fixtures.path("faithful.csv"), encoding: .utf8)
            .split(separator: "\n").map(String.init)
        let header = lines[0]
        let rows = Array(lines.dropFirst())
        // A model a few iterations into a fit, written as a model file.
        let data = try Fixtures.csv("faithful")
        var options = GaussianMixture.FitOptions(componentCount: 3, covarianceType: type)
        options.em = EMOptions(tolerance: 0, maxIterations: 3, seed: 4)
        let model = try GaussianMixture.fit(RowDataset(data), options: options).model
        let modelPath = directory.appendingPathComponent("model.json").path
        try FileAccess.writeAtomically(try GaussianMixtureFile(model, columns: ["eruptions", "waiting"]).encoded(), to: modelPath)
        // Parts cut at a multiple of the chunk size (64 rows): 128 and 144 rows.
        var parts: [String] = []
        for (index, range) in [0..<128, 128..<rows.count].enumerated() {
            let part = directory.appendingPathComponent("part\(index).csv").path
            try Data(([header] + rows[range]).joined(separator: "\n").utf8).write(to: URL(fileURLWithPath: part))
            let statistics = directory.appendingPathComponent("part\(index).stats").path
            let result = try CommandRunner.run(["estep", modelPath, part, "--rows-per-chunk", "64", "-o", statistics])
            #expect(result.status == 0, "\(result.standardError)")
            parts.append(statistics)
        }
        // Merged in order, the parts' chunks are the in-process E-step (any thread count).
        let chunks = try parts.flatMap {
            try ChunkStatisticsArchive<GaussianMixtureStatistics>(decoding: FileAccess.readAll($0)).chunks
        }
        #expect(chunks.count == 5)
        let (merged, likelihood) = ChunkStatisticsArchive(chunks: chunks).merged(into: model.emptyStatistics())
        let whole = try RowDataset(data, rowsPerChunk: 64)
        for threads in [1, 3] {
            let local = try ChunkedExpectation.run(model, on: whole, threadCount: threads)
            #expect(local.statistics == merged, "threads \(threads)")
            #expect(local.likelihood == likelihood)
        }
        // The next model from mstep, read back, is the in-process M-step's, every bit.
        let next = directory.appendingPathComponent("next.json").path
        let result = try CommandRunner.run(["mstep", modelPath, parts[0], parts[1], "-o", next])
        #expect(result.status == 0, "\(result.standardError)")
        #expect(result.standardOutput.contains("over 272 samples"))
        let expected = GaussianMixtureFile(try model.maximized(from: merged), columns: ["eruptions", "waiting"])
        #expect(try GaussianMixtureFile.read(path: next) == expected)
        // Parts in the wrong order are other statistics (merging is ordered), not an error.
        let swapped = try CommandRunner.run(["mstep", modelPath, parts[1], parts[0], "-o", next])
        #expect(swapped.status == 0)
    }

    @Test("estep and mstep take the discrete-family, gamma and Student-t mixtures too; another model's statistics are refused")
    func otherKinds() throws {
        let directory = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: directory) }
        /// Fits a few iterations, writes the model, runs estep on two parts and mstep on both, and
        /// checks the next model file against the in-process M-step's.
        func check<Model: EMModel>(
            _ name: String, data file: String, model: Model, encode: (Model) throws -> [UInt8]
        ) throws where Model.Dataset == RowDataset, Model.Statistics: PortableStatistics {
            let lines = try String(contentsOfFile: Fixtures.path(file), encoding: .utf8).split(separator: "\n").map(String.init)
            let modelPath = directory.appendingPathComponent("\(name).json").path
            try FileAccess.writeAtomically(try encode(model), to: modelPath)
            var parts: [String] = []
            let cut = 64 * ((lines.count - 1) / 128)
            for (index, range) in [1..<(cut + 1), (cut + 1)..<lines.count].enumerated() {
                let part = directory.appendingPathComponent("\(name)\(index).csv").path
                try Data(([lines[0]] + lines[range]).joined(separator: "\n").utf8).write(to: URL(fileURLWithPath: part))
                let statistics = directory.appendingPathComponent("\(name)\(index).stats").path
                let result = try CommandRunner.run(["estep", modelPath, part, "--rows-per-chunk", "64", "-o", statistics])
                #expect(result.status == 0, "\(name): \(result.standardError)")
                parts.append(statistics)
            }
            let next = directory.appendingPathComponent("\(name)-next.json").path
            let result = try CommandRunner.run(["mstep", modelPath] + parts + ["-o", next])
            #expect(result.status == 0, "\(name): \(result.standardError)")
            let data = try RowDataset(try CSVReader.read(path: Fixtures.path(file)).samples, rowsPerChunk: 64)
            let local = try ChunkedExpectation.run(model, on: data, threadCount: 2)
            #expect(try FileAccess.readAll(next) == encode(try model.maximized(from: local.statistics)), "\(name): the next model differs")
        }
        func fitted<Component: MixtureComponent>(_ family: Component.Type, _ file: String, k: Int) throws -> FiniteMixture<Component> {
            var options = FiniteMixture<Component>.FitOptions(componentCount: k)
            options.em = EMOptions(tolerance: 0, maxIterations: 2, seed: 1)
            return try FiniteMixture<Component>.fit(RowDataset(try CSVReader.read(path: Fixtures.path(file)).samples), options: options).model
        }
        let poisson = try fitted(Poisson.self, "poisson.csv", k: 2)
        try check("poisson", data: "poisson.csv", model: poisson) { try FiniteMixtureFile($0).encoded() }
        let negativeBinomial = try fitted(NegativeBinomial.self, "negative_binomial.csv", k: 2)
        try check("negative-binomial", data: "negative_binomial.csv", model: negativeBinomial) { try FiniteMixtureFile($0).encoded() }
        let gamma = try GammaMixture.fit(
            RowDataset(try CSVReader.read(path: Fixtures.path("gamma.csv")).samples), options: .init(componentCount: 2, em: EMOptions(tolerance: 0, maxIterations: 2, seed: 1))).model
        try check("gamma", data: "gamma.csv", model: gamma) { try GammaMixtureFile($0).encoded() }

        // Statistics of a two-component model given to mstep with a three-component one.
        let three = try fitted(Poisson.self, "poisson.csv", k: 3)
        let threePath = directory.appendingPathComponent("three.json").path
        try FileAccess.writeAtomically(try FiniteMixtureFile(three).encoded(), to: threePath)
        let part = directory.appendingPathComponent("poisson0.stats").path
        let refused = try CommandRunner.run(["mstep", threePath, part, "-o", directory.appendingPathComponent("x.json").path])
        #expect(refused.status == 1)
        #expect(refused.standardError.contains("poisson0.stats") && refused.standardError.contains("chunk 1 holds the statistics of another model"), "\(refused.standardError)")
        #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("x.json").path))
    }

    @Test("estep reads raw float64 blocks (a Spark task's partition), with weights last, and writes what the CSV gives")
    func float64Blocks() throws {
        let directory = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: directory) }
        let data = try Fixtures.csv("faithful")
        var options = GaussianMixture.FitOptions(componentCount: 2)
        options.em = EMOptions(tolerance: 0, maxIterations: 2, seed: 1)
        let model = try GaussianMixture.fit(RowDataset(data), options: options).model
        let modelPath = directory.appendingPathComponent("model.json").path
        try FileAccess.writeAtomically(try GaussianMixtureFile(model, columns: ["eruptions", "waiting"]).encoded(), to: modelPath)
        let blocks = directory.appendingPathComponent("part.f64").path
        try FileAccess.writeAtomically(Float64Blocks.encode(data), to: blocks)
        let fromBlocks = directory.appendingPathComponent("blocks.stats").path
        let fromCSV = directory.appendingPathComponent("csv.stats").path
        let a = try CommandRunner.run(["estep", modelPath, blocks, "--float64-columns", "2", "-o", fromBlocks])
        let b = try CommandRunner.run(["estep", modelPath, Fixtures.path("faithful.csv"), "-o", fromCSV])
        #expect(a.status == 0 && b.status == 0, "\(a.standardError) \(b.standardError)")
        #expect(try FileAccess.readAll(fromBlocks) == FileAccess.readAll(fromCSV))
        // Weights last: weight 2 on every row is every row twice.
        let weighted = Matrix(rowCount: data.rowCount, columnCount: 3, elements: (0..<data.rowCount).flatMap { [data[$0, 0], data[$0, 1], 2.0] })
        try FileAccess.writeAtomically(Float64Blocks.encode(weighted), to: blocks)
        let weightedStats = directory.appendingPathComponent("weighted.stats").path
        let c = try CommandRunner.run(["estep", modelPath, blocks, "--float64-columns", "2", "--weight-last", "-o", weightedStats])
        #expect(c.status == 0, "\(c.standardError)")
        let chunks = try ChunkStatisticsArchive<GaussianMixtureStatistics>(decoding: FileAccess.readAll(weightedStats)).chunks
        expectClose(chunks.reduce(0) { $0 + $1.likelihood.sampleWeight }, 2 * Double(data.rowCount), relative: 1e-15, "weights")
        // A cut stream is refused, naming the file.
        try FileAccess.writeAtomically(Array(Float64Blocks.encode(data).dropLast(3)), to: blocks)
        let cut = try CommandRunner.run(["estep", modelPath, blocks, "--float64-columns", "2", "-o", fromBlocks])
        #expect(cut.status == 1 && cut.standardError.contains("are not whole rows of 2 float64 values"), "\(cut.standardError)")
    }

    @Test("estep and mstep take HMM files: parts of whole sequences give the in-process next model")
    func hiddenMarkovParts() throws {
        let directory = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: directory) }
        let lines = try String(contentsOfFile: Fixtures.path("hmm_negative_binomial.csv"), encoding: .utf8).split(separator: "\n").map(String.init)
        let counts = try CSVReader.read(path: Fixtures.path("hmm_negative_binomial.csv"), columns: [.name("count")]).samples
        let data = try SequenceDataset(try RowDataset(counts), lengths: [200, 200, 200])
        var options = NegativeBinomialHMM.FitOptions(stateCount: 2)
        options.em = EMOptions(tolerance: 0, maxIterations: 2, seed: 1)
        let model = try NegativeBinomialHMM.fit(data, options: options).model
        let modelPath = directory.appendingPathComponent("hmm.json").path
        try FileAccess.writeAtomically(try HMMFile(model, columns: ["count"]).encoded(), to: modelPath)
        var parts: [String] = []
        for (index, range) in [1..<201, 201..<601].enumerated() {
            let part = directory.appendingPathComponent("part\(index).csv").path
            try Data(([lines[0]] + lines[range]).joined(separator: "\n").utf8).write(to: URL(fileURLWithPath: part))
            let statistics = directory.appendingPathComponent("part\(index).stats").path
            let result = try CommandRunner.run(["estep", modelPath, part, "--sequence-column", "sequence", "-o", statistics])
            #expect(result.status == 0, "\(result.standardError)")
            parts.append(statistics)
        }
        let next = directory.appendingPathComponent("next.json").path
        let result = try CommandRunner.run(["mstep", modelPath] + parts + ["-o", next])
        #expect(result.status == 0, "\(result.standardError)")
        #expect(result.standardOutput.contains("over 600 samples"), "\(result.standardOutput)")
        let local = try model.maximized(from: ExpectationMaximization.expectation(model, on: data).statistics)
        let fromParts = try HMMFile.read(path: next).familyHMM(NegativeBinomial.self, path: next)
        for (a, b) in zip(fromParts.emission.parameterVector + fromParts.transitionMatrix.elements, local.emission.parameterVector + local.transitionMatrix.elements) {
            expectClose(a, b, relative: 1e-12, "next model from parts")
        }
    }

    /// Whether `model`'s E-step statistics on `data`, archived and read back, archive to the same
    /// bytes (every number bit for bit), and give the same M-step.
    static func roundTrips<Model: EMModel>(_ model: Model, _ data: Model.Dataset) throws -> Bool
    where Model.Statistics: PortableStatistics {
        let archive = try ChunkStatisticsArchive(expectationOf: model, on: data)
        let bytes = archive.encoded()
        let decoded = try ChunkStatisticsArchive<Model.Statistics>(decoding: bytes)
        let original = try model.maximized(from: archive.merged(into: model.emptyStatistics()).statistics)
        let recovered = try model.maximized(from: decoded.merged(into: model.emptyStatistics()).statistics)
        // Equal M-steps give equal statistics at the next E-step, bit for bit.
        let next = try ChunkStatisticsArchive(expectationOf: original, on: data).encoded()
        let recoveredNext = try ChunkStatisticsArchive(expectationOf: recovered, on: data).encoded()
        return decoded.encoded() == bytes && bytes.count > 64 && recoveredNext == next
    }

    @Test("every model's statistics round-trip exactly: discrete and gamma mixtures, Student-t, VB, k-means, every HMM emission")
    func everyModel() throws {
        let options = EMOptions(tolerance: 0, maxIterations: 2, seed: 3)
        let faithful = try RowDataset(Fixtures.csv("faithful"), rowsPerChunk: 50)
        let binomial = try RowDataset(Fixtures.csv("binomial"), rowsPerChunk: 7)
        var finiteOptions = BinomialMixture.FitOptions(componentCount: 2)
        finiteOptions.em = options
        #expect(try Self.roundTrips(BinomialMixture.fit(binomial, options: finiteOptions).model, binomial))
        let gamma = try RowDataset(Fixtures.csv("gamma"), rowsPerChunk: 40)
        #expect(try Self.roundTrips(GammaMixture.fit(gamma, options: .init(componentCount: 2, em: options)).model, gamma))
        #expect(try Self.roundTrips(StudentTMixture.fit(faithful, options: .init(componentCount: 2, em: options)).model, faithful))
        var variational = VariationalGaussianMixture.FitOptions(componentCount: 3)
        variational.em = options
        #expect(try Self.roundTrips(VariationalGaussianMixture.fit(faithful, options: variational).model, faithful))
        let kMeans = try KMeans.fit(faithful, options: .init(componentCount: 2, em: EMOptions(maxIterations: 2)))
        let archive = try ChunkStatisticsArchive(expectationOf: kMeans.model, on: faithful)
        #expect(try ChunkStatisticsArchive<KMeans.Statistics>(decoding: archive.encoded()).encoded() == archive.encoded())
        // HMMs: categorical (the casino), Gaussian and Gaussian-mixture emissions.
        let rolls = try SequenceDataset(RowDataset(Fixtures.csv("hmm_casino"), rowsPerChunk: 100), lengths: [200, 200, 200])
        var hmmOptions = CategoricalHMM.FitOptions(stateCount: 2)
        hmmOptions.em = options
        #expect(try Self.roundTrips(CategoricalHMM.fit(rolls, options: hmmOptions).model, rolls))
        let points = try SequenceDataset(RowDataset(Fixtures.csv("faithful")), lengths: [136, 136])
        var gaussianOptions = GaussianHMM.FitOptions(stateCount: 2)
        gaussianOptions.em = options
        #expect(try Self.roundTrips(GaussianHMM.fit(points, options: gaussianOptions, covarianceType: .full).model, points))
        var mixtureOptions = GaussianMixtureHMM.FitOptions(stateCount: 2)
        mixtureOptions.em = options
        #expect(try Self.roundTrips(
            GaussianMixtureHMM.fit(points, options: mixtureOptions, mixtureComponents: 2, covarianceType: .diagonal).model, points))
    }

    @Test("statistics with missing values round-trip exactly, and damaged archives are errors")
    func roundTrip() throws {
        let table = try CSVReader.read(path: Fixtures.path("airquality.csv"), missingMarkers: CSVFormat.defaultMissingMarkers)
        let data = try RowDataset(table.samples, rowsPerChunk: 32, missingValues: .allowed)
        var options = GaussianMixture.FitOptions(componentCount: 2)
        options.em = EMOptions(tolerance: 0, maxIterations: 2, seed: 1)
        options.settings.degeneracyPolicy = .reseed  // so that the worst-fitted samples are kept too
        let model = try GaussianMixture.fit(data, options: options).model
        let archive = try ChunkStatisticsArchive(expectationOf: model, on: data)
        let bytes = archive.encoded()
        let decoded = try ChunkStatisticsArchive<GaussianMixtureStatistics>(decoding: bytes)
        #expect(decoded.chunks.count == data.chunkCount)
        let original = archive.merged(into: model.emptyStatistics()).statistics
        #expect(!original.patterns.isEmpty && !original.conditionalScatter.isEmpty && !original.worstFitted.samples.isEmpty)
        #expect(decoded.merged(into: model.emptyStatistics()).statistics == original)
        #expect(decoded.merged(into: model.emptyStatistics()).statistics.patterns == original.patterns)
        // Truncated anywhere, or with a byte changed in a size, the archive is refused.
        for cut in stride(from: 0, to: bytes.count, by: max(1, bytes.count / 97)) {
            #expect(throws: StatisticsArchiveError.self) {
                try ChunkStatisticsArchive<GaussianMixtureStatistics>(decoding: Array(bytes[..<cut]))
            }
        }
        var wrongKind = StatisticsWriter()
        wrongKind.write("EMKSTATS")
        wrongKind.write(1)
        wrongKind.write("hmm")
        #expect(throws: StatisticsArchiveError(reason: "it holds 'hmm' statistics, not 'gaussian-mixture'")) {
            try ChunkStatisticsArchive<GaussianMixtureStatistics>(decoding: wrongKind.bytes)
        }
    }
}

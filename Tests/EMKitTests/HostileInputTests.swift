import Foundation
import Testing

import EMKitImaging
@testable import EMKit

/// Input that used to trap or destroy files gets a clear message and an exit below 128.
@Suite("Hostile input", .serialized)
struct HostileInputTests {
    static func scratch() throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("emkit-hostile-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory
    }

    @Test("values too large to square are refused, naming the row and column")
    func hugeValues() throws {
        let input = "x,y\n1,2\n3,1e200\n2,2\n5,1\n"
        for command in [["fit", "-", "-k", "2"], ["fit", "-", "-k", "2", "--model", "poisson"], ["impute", "-"]] {
            let result = try CommandRunner.run(command, input: input)
            #expect(result.status == 1, "\(command): \(result.standardError)")
            #expect(result.standardError.contains("row 2, column 2 is 1e+200: values beyond ±1e100 overflow"), "\(command): \(result.standardError)")
        }
        #expect(throws: EMError.valueTooLarge(row: 0, column: 0, value: -1e101)) { try RowDataset(Matrix(rows: [[-1e101]])) }
        _ = try RowDataset(Matrix(rows: [[1e100]]))
    }

    @Test("chosen columns that share a name are refused")
    func duplicateColumns() throws {
        let input = "a,b,a\n1,2,3\n2,,4\n3,4,5\n4,5,6\n"
        let result = try CommandRunner.run(["impute", "-"], input: input)
        #expect(result.status == 1)
        #expect(result.standardError.contains("columns 1 and 3 are both named 'a'"), "\(result.standardError)")
        // Leaving one of them out works.
        let chosen = try CommandRunner.run(["impute", "-", "--columns", "1,2"], input: input)
        #expect(chosen.status == 0, "\(chosen.standardError)")
    }

    @Test("outputs written as a batch appear together, or none does and no temporary file is left")
    func outputBatch() throws {
        let directory = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: directory) }
        let first = directory.appendingPathComponent("a.txt").path
        let second = directory.appendingPathComponent("b.txt").path
        struct DiskFull: Error {}
        do {
            let batch = OutputBatch()
            try batch.stage(Array("a".utf8), to: first)
            #expect(throws: DiskFull.self) { try batch.stage(second) { _ in throw DiskFull() } }
            // The run fails here: the batch is dropped without committing.
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).isEmpty)
        let batch = OutputBatch()
        try batch.stage(Array("a".utf8), to: first)
        try batch.stage(Array("b".utf8), to: second)
        #expect(!FileManager.default.fileExists(atPath: first))
        try batch.commit()
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted() == ["a.txt", "b.txt"])
        #expect(try String(contentsOfFile: second, encoding: .utf8) == "b")
    }

    @Test("many columns: diagonal fits take them in O(K·d) memory, covariances the model file cannot hold are refused early")
    func manyColumns() throws {
        let directory = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: directory) }
        // 2 000 columns × 40 rows: a diagonal fit runs (a full one would hold 2 × 4·10⁶ values)
        // and its summary shows the first 20 values of each vector.
        var generator = SeededGenerator(seed: 11)
        let d = 2000
        var text = (1...d).map { "c\($0)" }.joined(separator: ",") + "\n"
        for row in 0..<40 {
            text += (0..<d).map { _ in "\(generator.nextStandardNormal() + Double(row % 2) * 3)" }.joined(separator: ",") + "\n"
        }
        let wide = directory.appendingPathComponent("wide.csv")
        try Data(text.utf8).write(to: wide)
        let fit = try CommandRunner.run(["fit", wide.path, "-k", "2", "--covariance", "diagonal", "--quiet"])
        #expect(fit.status == 0, "\(fit.standardError)")
        #expect(fit.standardOutput.contains("Columns: c1, c2, c3"))
        #expect(fit.standardOutput.contains(", … (1980 more)"), "\(fit.standardOutput.prefix(2000))")
        // 8 000 columns: more than a model file holds as one full 8 000 × 8 000 covariance.
        // Refused from the header line, before any row is read.
        let header = (1...8000).map { "c\($0)" }.joined(separator: ",") + "\n" + Array(repeating: "1", count: 8000).joined(separator: ",") + "\n"
        let refused = try CommandRunner.run(["fit", "-", "-k", "1", "--covariance", "diagonal"], input: header)
        #expect(refused.status == 1)
        #expect(refused.standardError.contains("8000 columns chosen, but at most 7071 can be used"), "\(refused.standardError)")
        #expect(throws: EMError.self) { try GaussianMixtureFile.checkSize(matrixCount: 2, dimension: 5001) }
        try GaussianMixtureFile.checkSize(matrixCount: 2, dimension: 5000)
        // In the library, a full covariance beyond half the machine's memory is refused before allocating.
        #expect(throws: EMError.self) {
            try GaussianMixture.checkSquareMatrixMemory(
                dimension: 1_000_000, componentCount: 1, covarianceType: .full, hasPrior: false, hasMissingValues: false)
        }
        try GaussianMixture.checkSquareMatrixMemory(
            dimension: 1_000_000, componentCount: 1, covarianceType: .diagonal, hasPrior: false, hasMissingValues: false)
    }

    @Test("an output that is an input is refused, and the input survives")
    func outputIsInput() throws {
        let directory = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: directory) }
        let data = directory.appendingPathComponent("data.csv").path
        let original = "x,y\n1,2\n2,\n3,4\n4,5\n5,7\n"
        try Data(original.utf8).write(to: URL(fileURLWithPath: data))
        let link = directory.appendingPathComponent("link.csv").path
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: data)
        for command in [["fit", data, "-k", "1", "-o", data], ["impute", data, "-o", link], ["select", data, "-k", "1...2", "-o", data]] {
            let result = try CommandRunner.run(command)
            #expect(result.status == 1, "\(command)")
            #expect(result.standardError.contains("is also an input of this command"), "\(command): \(result.standardError)")
            #expect(try String(contentsOfFile: data, encoding: .utf8) == original)
        }
    }

    @Test("a sequence length beyond the data is an error, not an overflow")
    func hugeLength() throws {
        let directory = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: directory) }
        let lengths = directory.appendingPathComponent("lengths.txt").path
        try Data("9223372036854775807\n9223372036854775807\n".utf8).write(to: URL(fileURLWithPath: lengths))
        let result = try CommandRunner.run(["hmm", "fit", "-", "--states", "2", "--lengths", lengths], input: "x\n1\n2\n3\n4\n")
        #expect(result.status == 1, "\(result.standardError)")
        #expect(result.standardError.contains("lengths that add up to the 4 rows"), "\(result.standardError)")
    }

    @Test("an image that declares too many pixels is refused before decoding")
    func decompressionBomb() throws {
        let image = Fixtures.directory.appendingPathComponent("images/rgb.png").path
        let jpeg = Fixtures.directory.appendingPathComponent("images/baseline.jpg").path
        #expect(throws: ImageError.tooManyPixels(path: image, width: 12, height: 8, limit: 95)) {
            try RGBImage.read(path: image, maximumPixels: 95)
        }
        #expect { try RGBImage.read(path: jpeg, maximumPixels: 10) } throws: { "\($0)".contains("more than the limit of 10") }
        _ = try RGBImage.read(path: image, maximumPixels: 96)
        let result = try CommandRunner.run(["segment", image, "-k", "2", "-o", "/tmp/emkit-never-written.png", "--max-pixels", "50"])
        #expect(result.status == 1 && result.standardError.contains("declares 12×8 pixels, more than the limit of 50"), "\(result.standardError)")
        #expect(!FileManager.default.fileExists(atPath: "/tmp/emkit-never-written.png"))
    }

    @Test("a row with density 0 under every component is an error, never NaN or -inf")
    func zeroDensity() throws {
        let mixture = try FiniteMixture<Categorical>(
            weights: [0.5, 0.5],
            components: [try Categorical(probabilities: [0.5, 0.5, 0]), try Categorical(probabilities: [0.2, 0.8, 0])])
        let rows = Matrix(rows: [[1, 0, 0], [0, 0, 1]])
        #expect(throws: EMError.zeroDensity(row: 1)) { try mixture.predictProbabilities(rows) }
        #expect(throws: EMError.zeroDensity(row: 1)) { try mixture.predict(rows) }
        #expect(throws: EMError.zeroDensity(row: 1)) { try mixture.score(rows) }
        #expect(try mixture.score(Matrix(rows: [[1, 0, 0]])).isFinite)
    }

    @Test("numbers that do not fit an integer are errors or printed as they are, never a trap")
    func integerConversions() throws {
        let tooBig = try CommandRunner.run(["sample", Fixtures.path("iris.csv"), "--count", "1000000000000"])
        #expect(tooBig.status == 64 && tooBig.standardError.contains("--count must be at most 100000000"), "\(tooBig.standardError)")
        let memory = try CommandRunner.run(["fit", "-", "-k", "1", "--max-memory", "99999999999999G"], input: "x\n1\n2\n")
        #expect(memory.status == 64, "\(memory.standardError)")
        let symbols = try CommandRunner.run(["hmm", "fit", "-", "--states", "2", "--emission", "categorical"], input: "x\n1\n1e18\n2\n")
        #expect(symbols.status == 1 && symbols.standardError.contains("symbols must be whole numbers from 0 to 65535"), "\(symbols.standardError)")
        let labels = try CommandRunner.run(["fit", "-", "-k", "2", "--model", "categorical"], input: "x\n1e99\n2\n2\n1e99\n3\n")
        #expect(labels.status == 0, "\(labels.standardError)")
        let binomial = try CommandRunner.run(["fit", "-", "-k", "1", "--model", "binomial"], input: "s,n\n1e99,2\n1,2\n")
        #expect(binomial.status == 1 && binomial.standardError.contains("exceed trials"), "\(binomial.standardError)")
    }

    @Test("fuzz findings stay fixed: an empty .npy file is an error (Foundation leaked reading it)")
    func fuzzRegressions() throws {
        let empty = Fixtures.path("fuzz-regressions/numpy-empty-file")
        #expect(try FileAccess.readAll(empty).isEmpty)
        #expect { try NumpyReader.read(path: empty) } throws: { "\($0)".contains("missing the \\x93NUMPY magic") }
    }

    @Test("an interrupted streamed fit leaves no temporary file and exits 128 + SIGINT")
    func interrupt() throws {
        let directory = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: directory) }
        let temporary = directory.appendingPathComponent("tmp")
        try FileManager.default.createDirectory(at: temporary, withIntermediateDirectories: true)
        var text = "x,y\n"
        var generator = SeededGenerator(seed: 3)
        for _ in 0..<20_000 { text += "\(generator.nextStandardNormal()),\(generator.nextStandardNormal())\n" }
        let data = directory.appendingPathComponent("data.csv")
        try Data(text.utf8).write(to: data)
        // --max-memory below the file's size: the CSV is converted into a temporary .npy file and
        // streamed; tolerance 0 keeps the fit running until the interrupt.
        let process = Process()
        process.executableURL = CommandRunner.executable
        process.arguments = ["fit", data.path, "-k", "2", "--max-memory", "1K", "--tolerance", "0", "--max-iterations", "1000000", "--quiet"]
        var environment = ProcessInfo.processInfo.environment
        environment["TMPDIR"] = temporary.path
        process.environment = environment
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        // Wait until the streamed copy exists, then interrupt.
        var waited = 0
        while (try FileManager.default.contentsOfDirectory(atPath: temporary.path)).isEmpty && waited < 200 {
            usleep(50_000)
            waited += 1
        }
        #expect(!(try FileManager.default.contentsOfDirectory(atPath: temporary.path)).isEmpty, "no temporary file appeared")
        usleep(200_000)
        kill(process.processIdentifier, SIGINT)
        process.waitUntilExit()
        #expect(process.terminationStatus == 128 + SIGINT)
        #expect(try FileManager.default.contentsOfDirectory(atPath: temporary.path).isEmpty)
    }
}

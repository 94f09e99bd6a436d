import Foundation
import Testing

@testable import EMKit

/// End-to-end tests of the `emkit` executable: outputs, exact error messages and exit codes.
@Suite("emkit command line", .serialized)
struct CommandLineTests {
    let iris = Fixtures.path("iris.csv")
    let features = "sepal_length,sepal_width,petal_length,petal_width"

    func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("emkit-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    @Test("fit from scikit-learn's initial parameters lands on scikit-learn's log-likelihood")
    func fitFromScikitLearnStart() throws {
        let fixture = try #require(Fixtures.gmm.cases.first { $0.name == "iris-sklearn-default-init" })
        let start = try GaussianMixture(
            weights: fixture.initial.weights, means: Matrix(rows: fixture.initial.means),
            covariances: fixture.initial.covariances.map { Matrix(rows: $0) }, covarianceType: .full)
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let initPath = directory.appendingPathComponent("start.json").path
        try FileAccess.writeAtomically(try GaussianMixtureFile(start).encoded(), to: initPath)
        let expected = try #require(fixture.iterations.first { $0.iterations == 25 })
        let modelPath = directory.appendingPathComponent("model.json").path
        let result = try CommandRunner.run([
            "fit", iris, "--columns", features, "-k", "3", "--init-from", initPath, "--tolerance", "0", "--accelerate", "none",
            "--max-iterations", "25", "--format", "json", "--output", modelPath,
        ])
        #expect(result.status == 0, "\(result.standardError)")
        #expect(result.standardError.contains("warning: not converged after 25 iterations: the objective may still rise by about "))
        #expect(result.standardError.contains("raise --max-iterations"))
        let file = try JSONDecoder().decode(GaussianMixtureFile.self, from: Data(result.standardOutput.utf8))
        let fit = try #require(file.fit)
        expectClose(fit.logLikelihood, expected.meanLogLikelihood, relative: 1e-6, "log-likelihood")
        expectClose(fit.bic, expected.bic, relative: 1e-6, "BIC")
        #expect(fit.iterations == 25 && !fit.converged && fit.stopReason == "iteration-limit")
        #expect(fit.tolerance == 0 && fit.stoppingRule == "estimated-gap" && (fit.estimatedGap ?? 0) > 0)
        #expect(file.columns == features.split(separator: ",").map(String.init))
        // The file written with --output is the one printed, and nothing else is left behind.
        #expect(try Data(contentsOf: URL(fileURLWithPath: modelPath)) == Data(result.standardOutput.utf8))
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted() == ["model.json", "start.json"])

        // predict, score and sample with that model.
        let predicted = try CommandRunner.run(["predict", modelPath, iris, "--probabilities"])
        #expect(predicted.status == 0)
        let lines = predicted.standardOutput.split(separator: "\n")
        #expect(lines.count == 151)
        #expect(lines[0] == "component,probability_0,probability_1,probability_2")
        let scored = try CommandRunner.run(["score", modelPath, iris, "--format", "json"])
        #expect(scored.status == 0)
        let score = try JSONSerialization.jsonObject(with: Data(scored.standardOutput.utf8)) as? [String: Any]
        #expect(score?["samples"] as? Int == 150)
        expectClose(score?["logLikelihood"] as? Double ?? 0, expected.meanLogLikelihood, relative: 1e-6, "score")
        let sampled = try CommandRunner.run(["sample", modelPath, "--count", "5", "--seed", "3", "--with-component"])
        #expect(sampled.status == 0)
        #expect(sampled.standardOutput.split(separator: "\n").first == "sepal_length,sepal_width,petal_length,petal_width,component")
        #expect(sampled.standardOutput.split(separator: "\n").count == 6)
        #expect(try CommandRunner.run(["sample", modelPath, "--count", "5", "--seed", "3", "--with-component"]).standardOutput == sampled.standardOutput)
    }

    @Test("fit reads standard input and prints a summary")
    func fitSummary() throws {
        let csv = (0..<40).map { n in "\(Double(n % 2) * 10 + Double(n) / 40),\(Double(n % 2) * -5)" }.joined(separator: "\n")
        let result = try CommandRunner.run(["fit", "-", "-k", "2", "--covariance", "diagonal"], input: csv)
        #expect(result.status == 0, "\(result.standardError)")
        #expect(result.standardOutput.hasPrefix(
            "Gaussian mixture: 2 components, diagonal covariance, 2 dimensions, fitted to 40 samples of -\nConverged after"))
        #expect(result.standardOutput.contains("Component 1: weight 0.5"))
    }

    @Test("errors are one clear line on standard error with a non-zero exit", arguments: [
        (["fit", "/nonexistent.csv", "-k", "2"], "Error: /nonexistent.csv: cannot read: no such file\n", Int32(1)),
        (["fit", "-", "-k", "2"], "Error: -:3: expected 2 fields, found 3\n", 1),
        (["fit", "-", "-k", "5"], "Error: cannot fit 5 components to 3 distinct samples: use at most 3 components, or add data\n", 1),
        (["fit", "-", "-k", "0"], "Error: --components must be ≥ 1, got 0\n", 64),
        (["fit", "-", "-k", "2", "--covariance", "round"], "", 64),
        (["fit", "-", "-k", "2", "--columns", "z"], "Error: -: no column 'z'; the columns are: x, y\n", 1),
    ] as [([String], String, Int32)])
    func errors(_ arguments: [String], _ message: String, _ status: Int32) throws {
        let input = arguments.contains("5") || arguments.contains("z") ? "x,y\n1,2\n3,4\n5,6\n1,2\n" : "x,y\n1,2\n3,4,5\n"
        let result = try CommandRunner.run(arguments, input: input)
        #expect(result.status == status)
        if message.isEmpty {
            #expect(result.standardError.hasPrefix("Error: The value 'round' is invalid for '--covariance <covariance>'"))
        } else if status == 64 {
            // Usage errors add the usage line after the message, as every ArgumentParser tool does.
            #expect(result.standardError.hasPrefix(message + "Usage: emkit fit"))
        } else {
            #expect(result.standardError == message)
        }
        #expect(result.standardOutput.isEmpty)
    }

    @Test("--max-memory streams CSV and .npy files and gives the in-memory model exactly")
    func streaming() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        var generator = SeededGenerator(seed: 3)
        let samples = Datasets.seed004Mixture.sample(count: 3000, using: &generator).samples
        let csv = directory.appendingPathComponent("data.csv").path
        let npy = directory.appendingPathComponent("data.npy").path
        try FileAccess.writeAtomically(Array(("x,y\n" + samples.rows.map { "\($0[0]),\($0[1])" }.joined(separator: "\n")).utf8), to: csv)
        try FileAccess.writeAtomically(NumpyReader.encode(samples), to: npy)
        let common = ["-k", "3", "--restarts", "2", "--seed", "9", "--format", "json"]
        let inMemory = try CommandRunner.run(["fit", csv] + common)
        let streamedCSV = try CommandRunner.run(["fit", csv, "--max-memory", "4K"] + common)
        #expect(inMemory.status == 0 && streamedCSV.status == 0, "\(streamedCSV.standardError)")
        #expect(streamedCSV.standardOutput == inMemory.standardOutput)
        let mapped = try CommandRunner.run(["fit", npy] + common)
        let streamedNumpy = try CommandRunner.run(["fit", npy, "--max-memory", "4K"] + common)
        #expect(mapped.status == 0 && streamedNumpy.status == 0, "\(streamedNumpy.standardError)")
        #expect(streamedNumpy.standardOutput == mapped.standardOutput)
        // No temporary copy is left behind.
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: FileManager.default.temporaryDirectory.path)
            .filter { $0.hasPrefix("emkit-stream-") }
        #expect(leftovers.isEmpty, "\(leftovers)")
        let stepwise = try CommandRunner.run(["fit", csv, "-k", "3", "--stepwise", "--batch-size", "500", "--max-iterations", "3"])
        #expect(stepwise.status == 0, "\(stepwise.standardError)")
        #expect(stepwise.standardOutput.contains("Mean log-likelihood per sample:"))
        let single = try CommandRunner.run(["fit", npy, "--precision", "float"] + common)
        #expect(single.status == 0)
        let a = try JSONDecoder().decode(GaussianMixtureFile.self, from: Data(single.standardOutput.utf8))
        let b = try JSONDecoder().decode(GaussianMixtureFile.self, from: Data(mapped.standardOutput.utf8))
        expectClose(a.fit?.logLikelihood ?? 0, b.fit?.logLikelihood ?? 1, relative: 1e-4, "float precision")
    }

    @Test("a corrupt model file is refused with the field named")
    func corruptModel() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("bad.json").path
        try Data(#"{"format": "emkit-model", "formatVersion": 1, "kind": "gaussian-mixture"}"#.utf8).write(to: URL(fileURLWithPath: path))
        let result = try CommandRunner.run(["predict", path, iris])
        #expect(result.status == 1)
        #expect(result.standardError == "Error: \(path): invalid model file: missing field 'covarianceType' in the top level\n")
    }

    @Test("fit --prior: mclust's default prior, the same prior from a file, and bad priors refused by name")
    func fitWithPrior() throws {
        let faithful = Fixtures.path("faithful.csv")
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let byDefault = try CommandRunner.run(["fit", faithful, "-k", "3", "--prior", "default", "--format", "json"])
        #expect(byDefault.status == 0, "\(byDefault.standardError)")
        let file = try JSONDecoder().decode(GaussianMixtureFile.self, from: Data(byDefault.standardOutput.utf8))
        let record = try #require(file.fit)
        let logPrior = try #require(record.logPrior)
        #expect(file.regularization == 0)
        // The record keeps the log-likelihood apart; the history is the MAP objective.
        expectClose(record.logLikelihood + logPrior / 272, try #require(record.history.last), relative: 1e-12, "objective")
        let model = try file.mixture(path: "fit output")
        let data = try Fixtures.csv("faithful")
        expectClose(try model.score(data), record.logLikelihood, relative: 1e-12, "log-likelihood")

        // The same prior, written as a prior file, gives the same fit.
        let prior = try GaussianMixturePrior.fraleyRaftery(for: RowDataset(data), componentCount: 3, covarianceType: .full)
        let priorPath = directory.appendingPathComponent("prior.json").path
        try FileAccess.writeAtomically(try GaussianPriorFile(prior).encoded(), to: priorPath)
        let fromFile = try CommandRunner.run(["fit", faithful, "-k", "3", "--prior", priorPath, "--format", "json"])
        #expect(fromFile.status == 0, "\(fromFile.standardError)")
        #expect(fromFile.standardOutput == byDefault.standardOutput)

        var bad = GaussianPriorFile(prior)
        bad.degreesOfFreedom = 0.5
        let badPath = directory.appendingPathComponent("bad-prior.json").path
        try FileAccess.writeAtomically(try bad.encoded(), to: badPath)
        let refused = try CommandRunner.run(["fit", faithful, "-k", "3", "--prior", badPath])
        #expect(refused.status == 1)
        #expect(refused.standardError == "Error: \(badPath): invalid model file: 'degreesOfFreedom' is 0.5; expected a finite number > d − 1 = 1\n")
        let wrongDimension = try CommandRunner.run(["fit", iris, "--columns", features, "-k", "3", "--prior", priorPath])
        #expect(wrongDimension.status != 0)
        #expect(wrongDimension.standardError.contains("the prior in \(priorPath) is for 2 columns but the data have 4"))
        let typo = try CommandRunner.run(["fit", faithful, "-k", "3", "--prior", "Default"])
        #expect(typo.status == 64 && typo.standardError.hasPrefix(
            "Error: --prior takes default, none or the path of a gaussian-prior file; 'Default' is none of them"))
        let stepwise = try CommandRunner.run(["fit", faithful, "-k", "3", "--prior", "default", "--stepwise"])
        #expect(stepwise.status == 1 && stepwise.standardError.contains("batch EM (drop the prior or the stepwise schedule)"))
        let studentT = try CommandRunner.run(["fit", faithful, "-k", "2", "--model", "student-t", "--prior", "default"])
        #expect(studentT.status == 64 && studentT.standardError.contains("--prior is for the Gaussian and discrete families"))
    }

    @Test("fit --model vb-gaussian writes the point estimate, with the lower bound as history, and predict reads it")
    func fitVariational() throws {
        let faithful = Fixtures.path("faithful.csv")
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let modelPath = directory.appendingPathComponent("vb.json").path
        let result = try CommandRunner.run([
            "fit", faithful, "-k", "5", "--model", "vb-gaussian", "--weight-prior", "dirichlet", "--concentration", "0.01",
            "--max-iterations", "300", "--tolerance", "1e-8", "--output", modelPath,
        ])
        #expect(result.status == 0, "\(result.standardError)")
        #expect(result.standardOutput.hasPrefix("Variational Bayesian Gaussian mixture (dirichlet weight prior): 5 components"))
        var options = VariationalGaussianMixture.FitOptions(componentCount: 5)
        options.weightPrior = .dirichletDistribution
        options.weightConcentration = 0.01
        options.em.maxIterations = 300
        options.em.tolerance = 1e-8
        let library = try VariationalGaussianMixture.fit(RowDataset(Fixtures.csv("faithful")), options: options)
        let file = try GaussianMixtureFile.read(path: modelPath)
        let record = try #require(file.fit)
        #expect(record.history == library.history && record.iterations == library.iterations)
        #expect(file.weights == library.model.weights)
        expectClose(record.logLikelihood, try library.model.pointEstimate.score(Fixtures.csv("faithful")), relative: 1e-12, "point estimate")
        let predicted = try CommandRunner.run(["predict", modelPath, faithful])
        #expect(predicted.status == 0 && predicted.standardOutput.split(separator: "\n").count == 273)
        let refused = try CommandRunner.run(["fit", faithful, "-k", "3", "--model", "vb-gaussian", "--prior", "default"])
        #expect(refused.status == 64 && refused.standardError.hasPrefix(
            "Error: --prior (its priors are --weight-prior and --concentration) is not available with --model vb-gaussian"))
    }

    @Test("help texts")
    func help() throws {
        let top = try CommandRunner.run(["--help"])
        #expect(top.status == 0)
        for subcommand in ["fit", "predict", "score", "sample", "demo", "bench"] {
            #expect(top.standardOutput.contains("  \(subcommand)"), "\(subcommand) is listed")
            let help = try CommandRunner.run([subcommand, "--help"])
            #expect(help.status == 0 && help.standardOutput.contains("USAGE: emkit \(subcommand)"))
        }
        let score = try CommandRunner.run(["score", "--help"])
        #expect(score.standardOutput == """
            OVERVIEW: Print the mean log-likelihood per sample of a data file under a model.

            USAGE: emkit score <model.json> <data> [--columns <list>] [--delimiter <separator>] [--header] [--no-header] [--missing-values <list>] [--format <format>]

            ARGUMENTS:
              <model.json>            A model file written by 'emkit fit'.
              <data>                  The data: a CSV or .npy file, or - for CSV on
                                      standard input.

            OPTIONS:
              --columns <list>        Columns to use, by header name or 1-based position,
                                      comma-separated (default: all but --weights).
              --delimiter <separator> CSV field separator: comma, semicolon or tab
                                      (default: guessed). (values: comma, semicolon, tab)
              --header/--no-header    Whether the first CSV line names the columns
                                      (default: guessed; a line with any non-number is a
                                      header).
              --missing-values <list> Field texts that mean a missing value,
                                      comma-separated; an empty field always does (default:
                                      NA,NaN,?).
              --format <format>       text, or json: {"logLikelihood": …, "samples": …}.
                                      (values: text, json; default: text)
              --version               Show the version.
              -h, --help              Show help information.


            """)
        let fit = try CommandRunner.run(["fit", "--help"])
        for option in ["--components", "--covariance", "--columns", "--weights", "--init ", "--init-from", "--restarts",
                       "--tolerance", "--max-iterations", "--regularization", "--seed", "--output", "--format", "--hard",
                       "--on-degenerate", "--threads", "--quiet", "--prior ", "--weight-prior", "--concentration"] {
            #expect(fit.standardOutput.contains(option), "fit --help mentions \(option)")
        }
    }

    @Test("demo recovers seed 004's mixture and the Iris species")
    func demo() throws {
        let result = try CommandRunner.run(["demo"])
        #expect(result.status == 0)
        #expect(result.standardOutput.contains("1. Seed 004"))
        #expect(result.standardOutput.contains("2. Fisher's Iris"))
        #expect(result.standardOutput.contains("agreement with the true labels: 99% of points"))
        #expect(result.standardOutput.contains("agreement with the true labels: 96.67% of points"))
        #expect(result.standardOutput.contains("one iteration (0.71, 0.58), ten iterations (0.80, 0.52)"))
        #expect(result.standardOutput.contains("hard EM, one step (0.33, 0.60), converged (0.33, 0.60)"))
        // The casino's fit leaves the plateau of its uniform start (it once stopped there after 2 iterations).
        #expect(result.standardOutput.contains("the Viterbi path names the die correctly on 80.3% of the rolls"), "\(result.standardOutput)")
    }
}

@Suite("emkit coins and discrete fits", .serialized)
struct DiscreteCommandLineTests {
    @Test("coins reproduces seed 001's first iteration and its estimate after ten")
    func seed001() throws {
        let result = try CommandRunner.run(["coins", "--init", "0.6,0.5", "--iterations", "10", "--tolerance", "0", "--fix-weights"])
        #expect(result.status == 0, "\(result.standardError)")
        let lines = result.standardOutput.split(separator: "\n").map(String.init)
        #expect(lines.contains("    2  HHHHTHHHHH     9/10   0.805    0.195           7.24   0.80         1.76   0.20"))
        #expect(lines.contains("M-step: θA = 21.30 / 29.87 = 0.7130,  θB = 11.70 / 20.13 = 0.5813"))
        #expect(lines.contains("Estimate: θA = 0.7967, θB = 0.5197"))
        let json = try CommandRunner.run(["coins", "--init", "0.6,0.5", "--iterations", "10", "--tolerance", "0", "--fix-weights", "--format", "json"])
        let object = try JSONSerialization.jsonObject(with: Data(json.standardOutput.utf8)) as? [String: Any]
        let probabilities = object?["probabilities"] as? [Double] ?? []
        #expect(probabilities.count == 2 && abs(probabilities[0] - 0.80) < 0.005 && abs(probabilities[1] - 0.52) < 0.005)
        #expect(object?["iterations"] as? Int == 10)
        #expect(object?["converged"] as? Bool == false)
        #expect((object?["history"] as? [Double])?.count == 11)
    }

    @Test("coins with hard EM on seed 002's rounds stops at (1/3, 3/5)")
    func seed002() throws {
        let result = try CommandRunner.run(
            ["coins", "-", "--init", "0.2,0.7", "--hard", "--fix-weights", "--format", "json"], input: "3,5\n2,5\n1,5\n3,5\n2,5\n")
        #expect(result.status == 0, "\(result.standardError)")
        let object = try JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as? [String: Any]
        let probabilities = object?["probabilities"] as? [Double] ?? []
        #expect(probabilities.count == 2 && abs(probabilities[0] - 1.0 / 3) < 1e-12 && abs(probabilities[1] - 0.6) < 1e-12)
        #expect(object?["converged"] as? Bool == true)
    }

    @Test("coins rejects bad rounds and options", arguments: [
        (["coins", "-"], "HHTX\n", "Error: -:1: 'HHTX' is not a round: write a string of H and T, or heads,tosses as whole numbers\n"),
        (["coins", "-"], "6,5\n", "Error: -:1: '6,5' is not a round: need 0 ≤ heads ≤ tosses\n"),
        (["coins", "-"], "\n\n", "Error: -: no data rows\n"),
    ] as [([String], String, String)])
    func coinErrors(_ arguments: [String], _ input: String, _ message: String) throws {
        let result = try CommandRunner.run(arguments, input: input)
        #expect(result.status == 1)
        #expect(result.standardError == message)
    }

    @Test("fit --model for each discrete family writes a model that predict, score and sample read")
    func discreteFits() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("emkit-discrete-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        for (family, data, k) in [("binomial", "binomial.csv", 3), ("bernoulli", "bernoulli.csv", 3), ("categorical", "categorical.csv", 3), ("poisson", "poisson.csv", 2),
            ("negative-binomial", "negative_binomial.csv", 2),
        ] {
            let model = directory.appendingPathComponent("\(family).json").path
            let fit = try CommandRunner.run(["fit", Fixtures.path(data), "--model", family, "-k", "\(k)", "--restarts", "2", "--output", model])
            #expect(fit.status == 0, "\(family): \(fit.standardError)")
            let name = family.replacingOccurrences(of: "-", with: " ")
            #expect(fit.standardOutput.hasPrefix(name.prefix(1).uppercased() + name.dropFirst() + " mixture: \(k) components"))
            let file = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: model))) as? [String: Any]
            #expect(file?["kind"] as? String == "\(family)-mixture")
            let predicted = try CommandRunner.run(["predict", model, Fixtures.path(data)])
            #expect(predicted.status == 0, "\(family): \(predicted.standardError)")
            let score = try CommandRunner.run(["score", model, Fixtures.path(data), "--format", "json"])
            #expect(score.status == 0 && score.standardOutput.hasPrefix("{\"logLikelihood\": -"))
            let sample = try CommandRunner.run(["sample", model, "--count", "3", "--trials", "12"])
            #expect(sample.status == 0 && sample.standardOutput.split(separator: "\n").count == 4)
        }
        // A categorical label column becomes one-hot counts.
        let labels = try CommandRunner.run(["fit", "-", "--model", "categorical", "-k", "2", "--prior-count", "1"], input: "label\n1\n2\n2\n3\n1\n1\n3\n")
        #expect(labels.status == 0, "\(labels.standardError)")
        #expect(labels.standardOutput.contains("Columns: 1, 2, 3"))
        // Hostile rows.
        let bad = try CommandRunner.run(["fit", "-", "--model", "binomial", "-k", "2"], input: "h,n\n3,5\n7,5\n")
        #expect(bad.status == 1)
        #expect(bad.standardError == "Error: row 2: successes (7) exceed trials (5)\n")
    }
}

@Suite("emkit impute", .serialized)
struct ImputeCommandLineTests {
    @Test("impute fills only the holes and keeps every other byte")
    func fillsHoles() throws {
        let input = "a;b;c\r\n1;2;3\r\n2;;4\r\n3;4;NA\r\n?;5;6\r\n5; 6 ;7\r\n4;5;5\r\n"
        let result = try CommandRunner.run(["impute", "-", "--tolerance", "1e-9"], input: input)
        #expect(result.status == 0, "\(result.standardError)")
        // Split on the byte 0x0A: Swift's Character treats "\r\n" as one.
        let lines = result.standardOutput.utf8.split(separator: 0x0A, omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) }
        #expect(lines[0] == "a;b;c\r" && lines[1] == "1;2;3\r" && lines[5] == "5; 6 ;7\r")
        #expect(lines[2].hasPrefix("2;") && lines[2].hasSuffix(";4\r") && !lines[2].contains(";;"))
        #expect(!lines[3].contains("NA") && !lines[4].contains("?"))
        #expect(result.standardError.contains("filled 3 missing values (6 data rows) with a 1-component full Gaussian mixture"))
        #expect(result.standardError.hasPrefix("warning: the model has 9 free parameters for 6 samples"))
    }

    @Test("multiple imputation writes one seeded file per draw")
    func draws() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("emkit-impute-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let output = directory.appendingPathComponent("completed.csv").path
        let input = "x,y\n1,2\n2,\n3,5\n,4\n5,9\n4,7\n"
        let first = try CommandRunner.run(["impute", "-", "--draws", "3", "--seed", "4", "--output", output], input: input)
        #expect(first.status == 0, "\(first.standardError)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted() == ["completed-1.csv", "completed-2.csv", "completed-3.csv"])
        let one = try String(contentsOfFile: directory.appendingPathComponent("completed-1.csv").path, encoding: .utf8)
        let two = try String(contentsOfFile: directory.appendingPathComponent("completed-2.csv").path, encoding: .utf8)
        #expect(one != two && one.hasPrefix("x,y\n1,2\n2,"))
        let again = try CommandRunner.run(["impute", "-", "--draws", "3", "--seed", "4", "--output", output], input: input)
        #expect(again.status == 0)
        #expect(try String(contentsOfFile: directory.appendingPathComponent("completed-1.csv").path, encoding: .utf8) == one)
        let refused = try CommandRunner.run(["impute", "-", "--draws", "2"], input: input)
        #expect(refused.status == 64 && refused.standardError.hasPrefix("Error: --draws writes several files: give --output NAME.csv"))
        let empty = try CommandRunner.run(["impute", "-"], input: "x,y\n1,\n2,\n")
        #expect(empty.status == 1 && empty.standardError == "Error: column 2 has no observed value: drop it (--columns) before fitting\n")
    }
}

@Suite("emkit segment and select", .serialized)
struct SegmentCommandLineTests {
    @Test("segment writes the segmented image, probability maps and the model")
    func segment() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("emkit-segment-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let output = directory.appendingPathComponent("segmented.png").path
        let model = directory.appendingPathComponent("model.json").path
        let maps = directory.appendingPathComponent("maps").path
        let image = Fixtures.directory.appendingPathComponent("images/rgb.png").path
        let result = try CommandRunner.run([
            "segment", image, "-k", "2", "--output", output, "--probabilities", maps, "--model", model, "--palette", "distinct",
        ])
        #expect(result.status == 0, "\(result.standardError)")
        #expect(result.standardOutput.hasPrefix("\(image): 12×8 pixels, 2 segments (rgb features, full covariance)"))
        let segmented = try Data(contentsOf: URL(fileURLWithPath: output))
        #expect(segmented.starts(with: [0x89, 0x50, 0x4E, 0x47]))
        #expect(try FileManager.default.contentsOfDirectory(atPath: maps).sorted() == ["component-1.png", "component-2.png"])
        let file = try JSONDecoder().decode(GaussianMixtureFile.self, from: Data(contentsOf: URL(fileURLWithPath: model)))
        #expect(file.columns == ["r", "g", "b"] && file.componentCount == 2)
        let automatic = try CommandRunner.run(["segment", image, "-k", "auto", "--max-components", "3", "--output", output, "--quiet"])
        #expect(automatic.status == 0 && automatic.standardOutput.contains("chosen by BIC among 1…3"))
        let truncated = try CommandRunner.run(["segment", Fixtures.directory.appendingPathComponent("images/truncated.jpg").path, "-k", "2", "-o", output])
        #expect(truncated.status == 1 && truncated.standardError.contains("corrupt or truncated image"))
        let bad = try CommandRunner.run(["segment", image, "-k", "zero", "-o", output])
        #expect(bad.status == 64 && bad.standardError.hasPrefix("Error: --components must be a whole number ≥ 1 or 'auto', got 'zero'"))
    }

    @Test("select tabulates BIC and picks mclust's answer for Iris (K = 2, full)")
    func select() throws {
        let result = try CommandRunner.run([
            "select", Fixtures.path("iris.csv"), "--columns", "1,2,3,4", "-k", "1...4", "--covariance", "full,diagonal", "--format", "json", "--quiet",
        ])
        #expect(result.status == 0, "\(result.standardError)")
        let object = try JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as? [String: Any]
        let best = object?["best"] as? [String: Any]
        #expect(best?["components"] as? Int == 2 && best?["covarianceType"] as? String == "full")
        #expect((object?["candidates"] as? [Any])?.count == 8)
        let text = try CommandRunner.run(["select", Fixtures.path("iris.csv"), "--columns", "1,2,3,4", "-k", "2,3", "--criterion", "icl", "--quiet"])
        #expect(text.standardOutput.hasPrefix("ICL (lower is better) for 150 samples"))
    }
}

@Suite("emkit plot", .serialized)
struct PlotCommandLineTests {
    @Test("histogram, scatter, history and select --plot write SVG files")
    func plots() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("emkit-plot-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        func path(_ name: String) -> String { directory.appendingPathComponent(name).path }
        let iris = Fixtures.path("iris.csv")
        #expect(try CommandRunner.run(["fit", iris, "--columns", "1,2,3,4", "-k", "3", "-o", path("iris.json")]).status == 0)
        let runs = [
            ["plot", "histogram", path("iris.json"), iris, "--column", "petal_width", "-o", path("h.svg")],
            ["plot", "scatter", path("iris.json"), iris, "--axes", "3,4", "-o", path("s.svg")],
            ["plot", "history", path("iris.json"), "-o", path("l.svg")],
            ["select", iris, "--columns", "1,2,3,4", "-k", "1...3", "--covariance", "full", "--plot", path("b.svg"), "--quiet"],
        ]
        for arguments in runs {
            let result = try CommandRunner.run(arguments)
            #expect(result.status == 0, "\(arguments): \(result.standardError)")
        }
        for name in ["h.svg", "s.svg", "l.svg", "b.svg"] {
            let svg = try String(contentsOfFile: path(name), encoding: .utf8)
            let trimmed = svg.trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(trimmed.contains("<svg") && trimmed.hasSuffix("</svg>"), "\(name)")
        }
        let scatter = try String(contentsOfFile: path("s.svg"), encoding: .utf8)
        #expect(scatter.components(separatedBy: "<circle").count - 1 >= 150)
        let wrong = try CommandRunner.run(["plot", "scatter", path("iris.json"), iris, "--axes", "3,3", "-o", path("x.svg")])
        #expect(wrong.status == 64 && wrong.standardError.hasPrefix("Error: --axes takes two different columns"))
    }
}

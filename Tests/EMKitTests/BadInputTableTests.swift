import Foundation
import Testing

/// The bad-input classes of docs/hostile-input.md, each with the exit status and the message
/// `emkit` must give: the table there is this list.
@Suite("Bad input, class by class", .serialized)
struct BadInputTableTests {
    struct BadInput: CustomTestStringConvertible, Sendable {
        var kind: String
        var what: String
        var arguments: [String]
        var input: String?
        var status: Int32
        var message: String

        init(_ kind: String, _ what: String, _ arguments: [String], input: String?, status: Int32, message: String) {
            (self.kind, self.what, self.arguments, self.input, self.status, self.message) = (kind, what, arguments, input, status, message)
        }

        var testDescription: String { "\(kind): \(what)" }
    }

    /// The files the cases read, written once into a scratch folder.
    static let scratch: URL = {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("emkit-bad-input-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory
    }()

    static func npy(_ header: String, _ data: [UInt8]) -> [UInt8] {
        var text = Array(header.utf8)
        let padding = (64 - (10 + text.count + 1) % 64) % 64
        text += Array(repeating: 0x20, count: padding) + [0x0A]
        return [0x93] + Array("NUMPY".utf8) + [1, 0, UInt8(text.count & 0xFF), UInt8(text.count >> 8)] + text + data
    }

    static let files: [String: String] = {
        func write(_ name: String, _ bytes: [UInt8]) -> String {
            let path = scratch.appendingPathComponent(name).path
            FileManager.default.createFile(atPath: path, contents: Data(bytes))
            return path
        }
        func write(_ name: String, _ text: String) -> String { write(name, Array(text.utf8)) }
        let model = (try? String(contentsOfFile: Fixtures.directory.deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("fuzz/corpus/FuzzModelFiles/gaussian.json").path, encoding: .utf8)) ?? ""
        let poissonStatistics = (try? Data(contentsOf: Fixtures.directory.deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("fuzz/corpus/FuzzStatisticsArchive/poisson-mixture"))) ?? Data()
        return [
            "data": write("data.csv", "x,y\n1,2\n2,3\n3,5\n"),
            "poisson-stats": write("poisson.stats", Array(poissonStatistics)),
            "npy-empty": write("empty.npy", [UInt8]()),
            "npy-truncated": write("trunc.npy", [0x93] + Array("NUMPY".utf8) + [1, 0, 0x76, 0] + Array("{'descr'".utf8)),
            "npy-int": write("int.npy", npy("{'descr': '<i4', 'fortran_order': False, 'shape': (2, 2), }", Array(repeating: 0, count: 16))),
            "npy-short": write("short.npy", npy("{'descr': '<f8', 'fortran_order': False, 'shape': (100, 2), }", Array(repeating: 0, count: 16))),
            "model-garbage": write("garbage.json", "{\"format\": "),
            "model-kind": write("kind.json", model.replacingOccurrences(of: "\"gaussian-mixture\"", with: "\"poisson-mixture\"")),
            "model-weights": write("weights.json", model.replacingOccurrences(of: "\"weights\" : [", with: "\"weights\" : [0.9, 0.9], \"unused\" : [")),
            "model-version": write("version.json", model.replacingOccurrences(of: "\"formatVersion\" : 1", with: "\"formatVersion\" : 99")),
            "model": write("model.json", model),
            "hmm": Fixtures.directory.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
                .appendingPathComponent("fuzz/corpus/FuzzModelFiles/hmm-categorical.json").path,
            "len0": write("len0.txt", "3\n0\n"),
            "len5": write("len5.txt", "5\n"),
            "lenhuge": write("lenhuge.txt", "9223372036854775807\n9223372036854775807\n"),
            "notimage": write("text.png", "hello"),
            "rounds": write("rounds.txt", "HTTH\nHTXH\n"),
            "rounds-huge": write("rounds-huge.txt", "1,3\n9223372036854775807,9223372036854775807\n"),
            "prior3": write(
                "prior3.json",
                "{ \"format\": \"emkit-model\", \"formatVersion\": 1, \"kind\": \"gaussian-prior\", \"mean\": [1,2,3], "
                    + "\"shrinkage\": 0.01, \"degreesOfFreedom\": 5, \"scale\": [[1,0,0],[0,1,0],[0,0,1]] }"),
        ]
    }()

    static let cases: [BadInput] = {
        let files = Self.files
        let scratch = Self.scratch
        return [
            BadInput("CSV", "empty input", ["fit", "-", "-k", "1"], input: "", status: 1, message: "no data rows"),
            BadInput("CSV", "a header and no rows", ["fit", "-", "-k", "1"], input: "x,y\n", status: 1, message: "no data rows"),
            BadInput("CSV", "a ragged row", ["fit", "-", "-k", "1"], input: "x,y\n1,2\n3\n", status: 1, message: "expected 2 fields, found 1"),
            BadInput("CSV", "text in a number field", ["fit", "-", "-k", "1"], input: "x\n1\nabc\n2\n", status: 1, message: "column 1: 'abc' is not a number"),
            BadInput("CSV", "an infinity", ["fit", "-", "-k", "1"], input: "x\n1\ninf\n2\n", status: 1, message: "column 1: 'inf' is not a finite number; remove or impute missing value"),
            BadInput("CSV", "a value beyond ±1e100", ["fit", "-", "-k", "1"], input: "x\n1\n1e200\n2\n", status: 1, message: "data row 2, column 1 is 1e+200: values beyond ±1e100 overflow when squ"),
            BadInput("CSV", "a missing value where complete rows are needed", ["fit", "-", "-k", "1", "--model", "poisson"], input: "x,y\n1,2\nNA,3\n", status: 1, message: "column 1: missing value 'NA'; this command needs complete rows here (o"),
            BadInput("CSV", "a column with no observed value", ["fit", "-", "-k", "1"], input: "x,y\n1,\n2,\n3,\n", status: 1, message: "column 2 has no observed value: drop it (--columns) before fitting"),
            BadInput("CSV", "two chosen columns with one name", ["fit", "-", "-k", "1"], input: "a,a\n1,2\n3,4\n", status: 1, message: "columns 1 and 2 are both named 'a': rename one in the header, or leave"),
            BadInput("CSV", "an unknown column name", ["fit", "-", "-k", "1", "--columns", "z"], input: "x,y\n1,2\n3,4\n", status: 1, message: "no column 'z'; the columns are: x, y"),
            BadInput("CSV", "a column position beyond the file", ["fit", "-", "-k", "1", "--columns", "5"], input: "x,y\n1,2\n3,4\n", status: 1, message: "no column '5 (the file has 2 columns)'; the columns are: x, y"),
            BadInput("CSV", "an empty entry in --columns", ["fit", "-", "-k", "1", "--columns", "1,,2"], input: "x,y\n1,2\n3,4\n", status: 64, message: "--columns '1,,2' names an empty column: give names or 1-based position"),
            BadInput("CSV", "a negative sample weight", ["fit", "-", "-k", "1", "--weights", "w"], input: "x,w\n1,1\n2,-1\n3,1\n", status: 1, message: "column 2: weight -1.0 is negative; weights must be ≥ 0"),
            BadInput("CSV", "all sample weights zero", ["fit", "-", "-k", "1", "--weights", "w"], input: "x,w\n1,0\n2,0\n3,0\n", status: 1, message: "all sample weights are zero: at least one must be positive"),
            BadInput("file", "a directory as input", ["fit", "/tmp", "-k", "1"], input: nil, status: 1, message: "/tmp: cannot read: it is a directory"),
            BadInput("file", "a missing input file", ["fit", "/tmp/no-such-file.csv", "-k", "1"], input: nil, status: 1, message: "cannot read: no such file"),
            BadInput("file", "an output path that is the input", ["fit", files["data"] ?? "", "-k", "1", "-o", files["data"] ?? ""], input: nil, status: 1, message: "data.csv is also an input of this command: writing it would destroy th"),
            BadInput("file", "an output in a folder that does not exist", ["segment", Fixtures.path("images/rgb.png"), "-k", "2", "-o", scratch.appendingPathComponent("s.png").path, "--model", "/no/such/folder/m.json"], input: nil, status: 1, message: "m.json: cannot write: the folder /no/such/folder does not exist"),
            BadInput("options", "more components than distinct rows", ["fit", "-", "-k", "5"], input: "x\n1\n2\n2\n", status: 1, message: "cannot fit 5 components to 2 distinct samples: use at most 2 component"),
            BadInput("options", "no regularization for a cluster of identical rows", ["fit", "-", "-k", "2", "--regularization", "0"], input: "x,y\n1,1\n1,1\n1,1\n5,6\n6,5\n7,7\n5,5\n", status: 1, message: "component 1 has a singular covariance in the initial parameters (it collapsed onto too few points, or a column is constant): increase the regularization (--regularization), decrease the number of components, scale the data, or re-seed collapsed components (--on-degenerate reseed)"),
            BadInput("options", "an option the model does not have", ["fit", "-", "-k", "1", "--model", "student-t", "--hard"], input: "x\n1\n2\n", status: 64, message: "--hard is not available with --model student-t"),
            BadInput("options", "K = 0", ["fit", "-", "-k", "0"], input: "x\n1\n2\n", status: 64, message: "--components must be ≥ 1, got 0"),
            BadInput("options", "a NaN tolerance", ["fit", "-", "-k", "1", "--tolerance", "nan"], input: "x\n1\n2\n", status: 64, message: "--tolerance must be a finite number ≥ 0, got nan"),
            BadInput("options", "a negative iteration limit", ["fit", "-", "-k", "1", "--max-iterations", "-1"], input: "x\n1\n2\n", status: 64, message: "Missing value for '--max-iterations <max-iterations>'"),
            BadInput("options", "zero restarts", ["fit", "-", "-k", "1", "--restarts", "0"], input: "x\n1\n2\n", status: 64, message: "--restarts must be ≥ 1, got 0"),
            BadInput("options", "an absurd --max-memory", ["fit", "-", "-k", "1", "--max-memory", "99999999999999G"], input: "x\n1\n2\n", status: 64, message: "The value '99999999999999G' is invalid for '--max-memory <size>'"),
            BadInput("options", "a sample of 10^12 rows", ["sample", Fixtures.path("iris.csv"), "--count", "1000000000000"], input: nil, status: 64, message: "--count must be at most 100000000, got 1000000000000: draw larger samp"),
            BadInput("options", "10^9 imputation draws", ["impute", "-", "--draws", "1000000000", "-o", scratch.appendingPathComponent("x.csv").path], input: "x\n1\n\n2\n", status: 64, message: "--draws must be at most 1000, got 1000000000"),
            BadInput("options", "a K range of 100 000 values", ["select", "-", "-k", "1...100000"], input: "x\n1\n2\n", status: 64, message: "--components may name at most 1000 values of K, got 1...100000"),
            BadInput("options", "an HMM sequence of 10^12 steps", ["hmm", "sample", files["hmm"] ?? "", "--length", "1000000000000"], input: nil, status: 64, message: "--length must be at most 100000000, got 1000000000000: draw longer seq"),
            BadInput(".npy", "an empty file", ["fit", files["npy-empty"] ?? "", "-k", "1"], input: nil, status: 1, message: "not a readable .npy file: missing the \\x93NUMPY magic"),
            BadInput(".npy", "a truncated header", ["fit", files["npy-truncated"] ?? "", "-k", "1"], input: nil, status: 1, message: "not a readable .npy file: truncated header"),
            BadInput(".npy", "an integer dtype", ["fit", files["npy-int"] ?? "", "-k", "1"], input: nil, status: 1, message: "not a readable .npy file: dtype <i4 is not supported: save float64 or "),
            BadInput(".npy", "fewer bytes than the shape says", ["fit", files["npy-short"] ?? "", "-k", "1"], input: nil, status: 1, message: "not a readable .npy file: the file is truncated: 100×2 values need 160"),
            BadInput("model file", "not JSON", ["predict", files["model-garbage"] ?? "", "-"], input: "x,y\n1,2\n", status: 1, message: "invalid model file: not valid JSON (The given data was not valid JSON."),
            BadInput("model file", "the wrong kind", ["predict", files["model-kind"] ?? "", "-"], input: "x,y\n1,2\n", status: 1, message: "invalid model file: missing field 'rates' in the top level"),
            BadInput("model file", "weights that do not sum to 1", ["predict", files["model-weights"] ?? "", "-"], input: "x,y\n1,2\n", status: 1, message: "invalid model file: weights sum to 1.8, not 1"),
            BadInput("model file", "a newer format version", ["predict", files["model-version"] ?? "", "-"], input: "x,y\n1,2\n", status: 1, message: "invalid model file: format version 99 is newer than this emkit reads ("),
            BadInput("model file", "data with other columns than the model", ["predict", files["model"] ?? "", "-"], input: "a,b,c\n1,2,3\n", status: 1, message: "the data has 3 columns but the model has dimension 2: choose the colum"),
            BadInput("HMM", "a sequence length of 0", ["hmm", "fit", "-", "--states", "2", "--lengths", files["len0"] ?? ""], input: "x\n1\n2\n3\n", status: 1, message: "len0.txt:2: column 1: '0' is not a sequence length ≥ 1"),
            BadInput("HMM", "lengths that do not add up", ["hmm", "fit", "-", "--states", "2", "--lengths", files["len5"] ?? ""], input: "x\n1\n2\n3\n", status: 1, message: "invalid --lengths 'a sequence of 5': expected lengths that add up to the"),
            BadInput("HMM", "a length of 2^63 − 1", ["hmm", "fit", "-", "--states", "2", "--lengths", files["lenhuge"] ?? ""], input: "x\n1\n2\n3\n", status: 1, message: "invalid --lengths 'a sequence of 9223372036854775807': expected lengths "),
            BadInput("HMM", "a symbol of 1e18", ["hmm", "fit", "-", "--states", "2", "--emission", "categorical"], input: "x\n1\n1e18\n2\n", status: 1, message: "row 2: symbols must be whole numbers from 0 to 65535, got 1e+18"),
            BadInput("HMM", "a symbol that is not whole", ["hmm", "fit", "-", "--states", "2", "--emission", "categorical"], input: "x\n1\n2.5\n2\n", status: 1, message: "row 2: symbols must be whole numbers from 0 to 65535, got 2.5"),
            BadInput("counts", "a negative binomial count above 2^53", ["fit", "-", "--model", "negative-binomial", "-k", "1"], input: "x\n3\n1e16\n", status: 1, message: "row 2: negative binomial counts must be at most 2^53; column 1 is 1e+16"),
            BadInput("HMM", "a negative count for negative binomial emissions", ["hmm", "fit", "-", "--states", "2", "--emission", "negative-binomial"], input: "x\n1\n-2\n4\n", status: 1, message: "row 2: negative binomial counts must be whole numbers ≥ 0; column 1 is -2.0"),
            BadInput("statistics", "E-step statistics of another model", ["mstep", files["model"] ?? "", files["poisson-stats"] ?? "", "-o", scratch.appendingPathComponent("next.json").path], input: nil, status: 1, message: "it holds 'finite-mixture' statistics, not 'gaussian-mixture'"),
            BadInput("image", "a truncated PNG", ["segment", Fixtures.path("images/truncated.png"), "-k", "2", "-o", scratch.appendingPathComponent("s.png").path], input: nil, status: 1, message: "corrupt or truncated image: Read Error"),
            BadInput("image", "a text file named .png", ["segment", files["notimage"] ?? "", "-k", "2", "-o", scratch.appendingPathComponent("s.png").path], input: nil, status: 1, message: "not a PNG or JPEG image"),
            BadInput("image", "more pixels than --max-pixels", ["segment", Fixtures.path("images/rgb.png"), "-k", "2", "-o", scratch.appendingPathComponent("s.png").path, "--max-pixels", "50"], input: nil, status: 1, message: "the image declares 12×8 pixels, more than the limit of 50; raise it (-"),
            BadInput("coins", "a round with a letter other than H or T", ["coins", files["rounds"] ?? ""], input: nil, status: 1, message: "rounds.txt:2: 'HTXH' is not a round: write a string of H and T, or hea"),
            BadInput("coins", "a round of 2⁶³ − 1 tosses", ["coins", files["rounds-huge"] ?? ""], input: nil, status: 1, message: "rounds-huge.txt:2: '9223372036854775807,9223372036854775807' is not a round: at most 2⁵³ tosses in a round"),
            BadInput("CSV", "a header of more columns than a Gaussian model file holds", ["fit", "-", "-k", "1"], input: (1...8000).map { "c\($0)" }.joined(separator: ",") + "\n", status: 1, message: "-: 8000 columns chosen, but at most 7071 can be used: a model file (format 1) stores its covariance matrix in full"),
            BadInput("prior file", "a prior for other columns", ["fit", Fixtures.path("faithful.csv"), "-k", "2", "--prior", files["prior3"] ?? ""], input: nil, status: 64, message: "prior3.json is for 3 columns but the data have 2"),
            BadInput("prior file", "a prior path that does not exist", ["fit", Fixtures.path("faithful.csv"), "-k", "2", "--prior", "/tmp/no-prior.json"], input: nil, status: 64, message: "--prior takes default, none or the path of a gaussian-prior file"),
        ]
    }()

    @Test("each bad-input class gets its exit status and message", arguments: cases)
    func badInput(_ bad: BadInput) throws {
        let result = try CommandRunner.run(bad.arguments, input: bad.input)
        #expect(result.status == bad.status, "\(bad.arguments): \(result.standardError)")
        #expect(result.standardError.contains(bad.message), "\(bad.arguments): \(result.standardError)")
        #expect(result.status < 128)
    }

    @Test("at least forty classes")
    func count() { #expect(Self.cases.count >= 40) }
}

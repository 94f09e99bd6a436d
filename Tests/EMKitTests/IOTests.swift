import Foundation
import Testing

@testable import EMKit

@Suite("Reading and writing files")
struct IOTests {
    func parse(_ text: String, delimiter: UInt8? = nil, header: Bool? = nil, columns: [ColumnSelector]? = nil, weights: ColumnSelector? = nil) throws -> NumericTable {
        try CSVReader.parse(Array(text.utf8), path: "data.csv", delimiter: delimiter, hasHeader: header, columns: columns, weightColumn: weights)
    }

    @Test("CSV: headers, delimiters, column choice and weights")
    func csv() throws {
        let plain = try parse("1,2\n3,4\n\n5,6\n")
        #expect(plain.samples == Matrix(rows: [[1, 2], [3, 4], [5, 6]]))
        #expect(plain.columnNames == ["column1", "column2"])
        let semicolons = try parse("a;b;w\r\n1.5;-2e3;1\r\n3;4;0.5\r\n", columns: [.name("b"), .position(1)], weights: .name("w"))
        #expect(semicolons.samples == Matrix(rows: [[-2000, 1.5], [4, 3]]))
        #expect(semicolons.columnNames == ["b", "a"])
        #expect(semicolons.sampleWeights == [1, 0.5])
        let tabs = try parse("\u{FEFF}\"x\"\t\"y\"\n 1 \t 2 \n")
        #expect(tabs.columnNames == ["x", "y"])
        #expect(tabs.samples == Matrix(rows: [[1, 2]]))
        // Without --columns, the weight column is left out of the samples.
        #expect(try parse("x,w\n1,2\n", weights: .name("w")).samples == Matrix(rows: [[1]]))
        #expect(try parse("1,2\n3,4\n", header: true).columnNames == ["1", "2"])
    }

    @Test("CSV: every problem names the file, line and column", arguments: [
        ("", "data.csv: no data rows"),
        ("x,y\n", "data.csv: no data rows"),
        ("x,y\n1,2\n3\n", "data.csv:3: expected 2 fields, found 1"),
        ("x,y\n1,2\n3,abc\n", "data.csv:3: column 2: 'abc' is not a number"),
        ("x,y\n1,2\n3,NA\n", "data.csv:3: column 2: missing value 'NA'; this command needs complete rows here (only Gaussian fits marginalise missing values): remove the row, or fill it first (with GaussianMixture.imputed(_:))"),
        ("x,y\n1,\n", "data.csv:2: column 2: missing value ''; this command needs complete rows here (only Gaussian fits marginalise missing values): remove the row, or fill it first (with GaussianMixture.imputed(_:))"),
        ("x,y\n1,inf\n", "data.csv:2: column 2: 'inf' is not a finite number; remove or impute missing values first"),
        ("x,y\nnan,1\n", "data.csv:2: column 1: 'nan' is not a finite number; remove or impute missing values first"),
    ])
    func csvErrors(_ text: String, _ message: String) {
        #expect { try parse(text) } throws: { "\($0)" == message }
    }

    @Test("CSV: unknown columns and bad weights")
    func csvColumnErrors() {
        #expect { try parse("x,y\n1,2\n", columns: [.name("z")]) } throws: {
            "\($0)" == "data.csv: no column 'z'; the columns are: x, y"
        }
        #expect { try parse("x,y\n1,2\n", columns: [.position(3)]) } throws: {
            "\($0)" == "data.csv: no column '3 (the file has 2 columns)'; the columns are: x, y"
        }
        #expect { try parse("x,w\n1,-2\n", weights: .name("w")) } throws: {
            "\($0)" == "data.csv:2: column 2: weight -2.0 is negative; weights must be ≥ 0"
        }
        #expect { try CSVReader.read(path: "/nonexistent/data.csv") } throws: {
            "\($0)" == "/nonexistent/data.csv: cannot read: no such file"
        }
    }

    @Test(".npy: float64 and float32 round trips; malformed files are refused")
    func numpy() throws {
        let matrix = Matrix(rows: [[1.5, -2], [3, 4e300], [0, 7]])
        let encoded = NumpyReader.encode(matrix)
        #expect((encoded.count - 48) % 64 == 0)  // header padded to 64 bytes, then 6 doubles
        #expect(try NumpyReader.parse(encoded, path: "x.npy") == matrix)
        // float32, one dimension, version 2 header.
        var header = "{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }"
        while (12 + header.utf8.count + 1) % 64 != 0 { header += " " }
        header += "\n"
        var bytes: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, 2, 0]
        let length = header.utf8.count
        bytes += [UInt8(length & 0xFF), UInt8(length >> 8), 0, 0] + Array(header.utf8)
        for value in [Float(0.5), 2, -3] { withUnsafeBytes(of: value.bitPattern.littleEndian) { bytes += $0 } }
        #expect(try NumpyReader.parse(bytes, path: "y.npy") == Matrix(rows: [[0.5], [2], [-3]]))

        #expect { try NumpyReader.parse(Array("hello world".utf8), path: "z.npy") } throws: {
            "\($0)" == "z.npy: not a readable .npy file: missing the \\x93NUMPY magic"
        }
        #expect { try NumpyReader.parse(Array(encoded.dropLast(8)), path: "t.npy") } throws: {
            "\($0)".hasPrefix("t.npy: not a readable .npy file: the file is truncated: 3×2 values need 48 bytes")
        }
        func replacing(_ old: String, with new: String) -> [UInt8] {
            let needle = Array(old.utf8)
            var bytes = encoded
            if let start = (0...(bytes.count - needle.count)).first(where: { Array(bytes[$0..<($0 + needle.count)]) == needle }) {
                bytes.replaceSubrange(start..<(start + needle.count), with: Array(new.utf8))
            }
            return bytes
        }
        let fortran = replacing("False", with: "True ")
        #expect { try NumpyReader.parse(fortran, path: "f.npy") } throws: {
            "\($0)" == "f.npy: not a readable .npy file: the array is in Fortran order: save it with np.ascontiguousarray(x)"
        }
        let integers = replacing("<f8", with: "<i8")
        #expect { try NumpyReader.parse(integers, path: "i.npy") } throws: {
            "\($0)".hasPrefix("i.npy: not a readable .npy file: dtype <i8 is not supported")
        }
        var withNaN = matrix
        withNaN[2, 1] = .nan
        #expect { try NumpyReader.parse(NumpyReader.encode(withNaN), path: "n.npy") } throws: {
            "\($0)" == "n.npy:3: column 2: 'nan' is not a finite number; remove or impute missing values first"
        }
    }

    @Test("model files round-trip and corrupt ones are refused with the field named")
    func modelFiles() throws {
        let model = try GaussianMixture.fit(Datasets.iris.samples, componentCount: 2, covarianceType: .diagonal).model
        let file = GaussianMixtureFile(model, columns: Datasets.iris.columnNames)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("emkit-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("model.json").path
        try FileAccess.writeAtomically(try file.encoded(), to: path)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["model.json"])
        let loaded = try GaussianMixtureFile.read(path: path).mixture(path: path)
        #expect(loaded.covarianceType == .diagonal)
        #expect(loaded.weights == model.weights)
        #expect(loaded.means == model.means)
        #expect(loaded.covariances == model.covariances)

        func refused(_ edit: (inout [String: Any]) -> Void, _ message: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
            var object = try JSONSerialization.jsonObject(with: Data(try file.encoded())) as? [String: Any] ?? [:]
            edit(&object)
            try JSONSerialization.data(withJSONObject: object).write(to: URL(fileURLWithPath: path))
            #expect(throws: DataError.invalidModelFile(path: path, reason: message), sourceLocation: sourceLocation) {
                try GaussianMixtureFile.read(path: path).mixture(path: path)
            }
        }
        try refused({ $0["weights"] = nil }, "missing field 'weights' in the top level")
        try refused({ $0["formatVersion"] = 2 }, "format version 2 is newer than this emkit reads (1): upgrade emkit")
        try refused({ $0["kind"] = "hmm" }, "'kind' is 'hmm'; this command needs a 'gaussian-mixture'")
        try refused({ $0["weights"] = [0.2, 0.2] }, "weights sum to 0.4, not 1")
        try refused({ $0["means"] = [[1, 2, 3, 4]] }, "'means' must be 2 lists of 4 numbers")
        try refused({ $0["covarianceType"] = "banana" }, "bad value at 'covarianceType': Cannot initialize CovarianceType from invalid String value banana")
        try refused({ object in
            object["covarianceType"] = "full"
            var covariances = object["covariances"] as? [[[Double]]] ?? []
            covariances[1][0][0] = -1
            object["covariances"] = covariances
        }, "covariance 2 is not positive definite")
        try Data("{not json".utf8).write(to: URL(fileURLWithPath: path))
        #expect { try GaussianMixtureFile.read(path: path) } throws: { "\($0)".contains("invalid model file: not valid JSON") }
    }
}

import Foundation
import Testing

@testable import EMKit

/// The fixture files beside the test sources (`Fixtures/`), made by `Fixtures/make_gmm_fixtures.py`.
enum Fixtures {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures")

    static func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

    /// A JSON fixture decoded as `T`. A missing or malformed fixture stops the test run at once:
    /// every test that reads it would fail anyway, and the message names the file.
    static func decode<T: Decodable>(_ type: T.Type, from name: String) -> T {
        do {
            return try JSONDecoder().decode(T.self, from: Data(contentsOf: directory.appendingPathComponent(name)))
        } catch {
            fatalError("cannot read \(name): \(error)")
        }
    }

    /// A fixture CSV's numeric columns (all but `species` for Iris).
    static func csv(_ name: String) throws -> Matrix {
        let columns: [ColumnSelector]? = name == "iris" ? (1...4).map { .position($0) } : nil
        return try CSVReader.read(path: path("\(name).csv"), columns: columns).samples
    }

    struct GMMFile: Decodable {
        let cases: [GMMCase]
    }

    struct Parameters: Decodable {
        let weights: [Double]
        let means: [[Double]]
        let covariances: [[[Double]]]
    }

    struct GMMIteration: Decodable {
        let iterations: Int
        let weights: [Double]
        let means: [[Double]]
        let covariances: [[[Double]]]
        let meanLogLikelihood: Double
        let bic: Double
        let aic: Double
        let labels: [Int]
        let firstProbabilities: [[Double]]
        let tolerance: Double?
        let sklearnIterations: Int?
        let sklearnConverged: Bool?
    }

    struct GMMCase: Decodable, CustomTestStringConvertible {
        let name: String
        let dataset: String
        let covarianceType: String
        let components: Int
        let regularization: Double
        let parameterCount: Int
        let initial: Parameters
        let iterations: [GMMIteration]
        var testDescription: String { name }
    }

    static let gmm: GMMFile = Fixtures.decode(GMMFile.self, from: "gmm_fixtures.json")

    struct KMeansFile: Decodable {
        struct Default: Decodable {
            let inertia: Double
            let centersSortedByFirstCoordinate: [[Double]]
        }
        struct Run: Decodable {
            let maxIterations: Int
            let centers: [[Double]]
            let inertia: Double
        }
        struct Lloyd: Decodable {
            let initialCenters: [[Double]]
            let runs: [Run]
        }
        let sklearnDefault: Default
        let lloyd: Lloyd
    }

    static let kmeans: KMeansFile = Fixtures.decode(KMeansFile.self, from: "kmeans_fixtures.json")
}

/// Expects `|observed − expected| ≤ tolerance · max(1, |expected|)` and says by how much it misses.
func expectClose(
    _ observed: Double, _ expected: Double, relative tolerance: Double, _ what: @autoclosure () -> String = "",
    sourceLocation: SourceLocation = #_sourceLocation
) {
    let error = abs(observed - expected) / max(1, abs(expected))
    #expect(
        error <= tolerance,
        "\(what()): observed \(observed), expected \(expected), relative error \(error) > \(tolerance)",
        sourceLocation: sourceLocation)
}

/// The permutation p with `observed[p[i]]` closest to `expected[i]` (by squared distance), over all
/// permutations of up to 6 components.
func matchComponents(observed: [[Double]], expected: [[Double]]) -> [Int] {
    func permutations(_ n: Int) -> [[Int]] {
        if n == 0 { return [[]] }
        return permutations(n - 1).flatMap { p in (0...p.count).map { var q = p; q.insert(n - 1, at: $0); return q } }
    }
    func distance(_ a: [Double], _ b: [Double]) -> Double { zip(a, b).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) } }
    return permutations(expected.count).min { p, q in
        let dp = p.indices.reduce(0) { $0 + distance(observed[p[$1]], expected[$1]) }
        let dq = q.indices.reduce(0) { $0 + distance(observed[q[$1]], expected[$1]) }
        return dp < dq
    } ?? []
}

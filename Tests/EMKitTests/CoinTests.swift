import Foundation
import Testing

@testable import EMKit

/// The two-coin problem of seeds 001 and 002, and the other discrete families.
@Suite("Binomial mixtures: the two-coin problem")
struct CoinTests {
    /// Do & Batzoglou's rounds as seed 001 gives them: heads out of 10.
    static let seed001 = Matrix(rows: ["HTTTHHTHTH", "HHHHTHHHHH", "HTHHHHHTHH", "HTHTTTHHTT", "THHHTHHHTH"].map {
        [Double($0.filter { $0 == "H" }.count), 10]
    })
    /// Seed 002's five rounds of five tosses.
    static let seed002 = Matrix(rows: [[3, 5], [2, 5], [1, 5], [3, 5], [2, 5]])

    static func fit(
        _ data: Matrix, start: [Double], iterations: Int, hard: Bool = false, tolerance: Double = 0
    ) throws -> EMResult<BinomialMixture> {
        let startModel = try BinomialMixture(
            weights: Array(repeating: 1 / Double(start.count), count: start.count),
            components: start.map { try Binomial(probability: $0) })
        var options = BinomialMixture.FitOptions(componentCount: start.count)
        options.initialization = .parameters(startModel)
        options.fixWeights = true
        options.settings.assignment = hard ? .hard : .soft
        options.em = EMOptions(tolerance: tolerance, maxIterations: iterations)
        return try BinomialMixture.fit(RowDataset(data), options: options)
    }

    /// θ of the component that started as coin A (the larger after canonical ordering by key is
    /// not guaranteed, so match by closeness to the expected value).
    static func thetas(_ model: BinomialMixture) -> [Double] { model.components.map(\.probability) }

    @Test("seed 001: one iteration gives θ ≈ (0.71, 0.58), ten give θ ≈ (0.80, 0.52)")
    func doBatzoglou() throws {
        let one = Self.thetas(try Self.fit(Self.seed001, start: [0.6, 0.5], iterations: 1).model).sorted(by: >)
        // Exact values of the first step: 21.2975/29.8775 and 11.7025/20.1225 (Do & Batzoglou's table rounds them).
        #expect(abs(one[0] - 0.7130) < 1e-4 && abs(one[1] - 0.5813) < 1e-4, "\(one)")
        let ten = Self.thetas(try Self.fit(Self.seed001, start: [0.6, 0.5], iterations: 10).model).sorted(by: >)
        #expect(abs(ten[0] - 0.80) < 0.005 && abs(ten[1] - 0.52) < 0.005, "\(ten)")
    }

    @Test("seed 002: hard EM's first step gives (0.33, 0.60) and stays there")
    func seed002Hard() throws {
        let one = try Self.fit(Self.seed002, start: [0.2, 0.7], iterations: 1, hard: true)
        let thetas = Self.thetas(one.model).sorted()
        #expect(abs(thetas[0] - 1.0 / 3) < 1e-12 && abs(thetas[1] - 0.6) < 1e-12)
        // The assignment (rounds 2, 3, 5 to A) does not change again: hard EM has converged,
        // to (1/3, 3/5), not to the (0.4, 0.5) that the seed's text says EM reaches.
        let many = try Self.fit(Self.seed002, start: [0.2, 0.7], iterations: 50, hard: true)
        #expect(Self.thetas(many.model).sorted() == thetas)
    }

    @Test("seed 002: soft EM converges to the likelihood's maximum, not to the labelled estimate (0.4, 0.5)")
    func seed002Soft() throws {
        let fit = try Self.fit(Self.seed002, start: [0.2, 0.7], iterations: 2000, tolerance: 0)
        let thetas = Self.thetas(fit.model).sorted()
        // Independent check: the stationarity conditions of the mixture likelihood with equal
        // fixed weights, θ_k = Σ r_ik h_i / Σ r_ik n_i, evaluated directly.
        var r = [[Double]](repeating: [0, 0], count: 5)
        for i in 0..<5 {
            let h = Self.seed002[i, 0]
            let a = pow(thetas[0], h) * pow(1 - thetas[0], 5 - h)
            let b = pow(thetas[1], h) * pow(1 - thetas[1], 5 - h)
            r[i] = [a / (a + b), b / (a + b)]
        }
        for k in 0..<2 {
            let heads = (0..<5).reduce(0.0) { $0 + r[$1][k] * Self.seed002[$1, 0] }
            let tosses = (0..<5).reduce(0.0) { $0 + r[$1][k] * 5 }
            #expect(abs(heads / tosses - thetas[k]) < 1e-9)
        }
        // Here the maximum is degenerate: both coins at the pooled proportion 11/25 = 0.44, which EM
        // approaches slowly (the fixed point is not isolated in direction θA − θB).
        #expect(abs(thetas[0] - 0.44) < 0.01 && abs(thetas[1] - 0.44) < 0.01, "\(thetas)")
        // And its likelihood is at least that of (0.4, 0.5).
        let labelled = try BinomialMixture(weights: [0.5, 0.5], components: [Binomial(probability: 0.4), Binomial(probability: 0.5)])
        #expect(fit.logLikelihood >= (try labelled.score(Self.seed002)))
    }

    @Test("a seeded fit from k-means++ recovers two well-separated coins")
    func recovery() throws {
        let truth = try BinomialMixture(weights: [0.7, 0.3], components: [Binomial(probability: 0.2), Binomial(probability: 0.8)])
        var generator = SeededGenerator(seed: 5)
        let (samples, _) = truth.sample(count: 2000, trials: 20, using: &generator)
        var options = BinomialMixture.FitOptions(componentCount: 2)
        options.em.restarts = 3
        let fit = try BinomialMixture.fit(RowDataset(samples), options: options)
        #expect(abs(fit.model.weights[0] - 0.7) < 0.03)
        #expect(abs(fit.model.components[0].probability - 0.2) < 0.01)
        #expect(abs(fit.model.components[1].probability - 0.8) < 0.01)
        for t in 1..<fit.history.count { #expect(fit.history[t] >= fit.history[t - 1] - 1e-12) }
    }

    @Test("hostile rounds get clear errors", arguments: [
        ([[6.0, 5.0]], "row 1: successes (6) exceed trials (5)"),
        ([[2, 5], [-1, 5]], "row 2: counts must be whole numbers ≥ 0, got (-1.0, 5.0)"),
        ([[2.5, 5]], "row 1: counts must be whole numbers ≥ 0, got (2.5, 5.0)"),
        ([[2, 5], [2, 5], [2, 5]], "cannot fit 2 components to 1 distinct samples: use at most 1 components, or add data"),
    ] as [([[Double]], String)])
    func hostile(_ rows: [[Double]], _ message: String) throws {
        #expect { try BinomialMixture.fit(RowDataset(Matrix(rows: rows)), options: .init(componentCount: 2)) } throws: {
            "\($0)" == message
        }
    }
}

import Testing

@testable import EMKit

/// The genetic-linkage model again, now given only the gradient and Hessian of Q: the EM-gradient
/// algorithm (Lange 1995) reaches the same θ̂ = 0.626821497871.
struct LinkageByGradient: EMGradientModel {
    typealias Dataset = ArrayDataset<Double>
    typealias Statistics = GeneticLinkage.Statistics
    var theta: Double

    func emptyStatistics() -> Statistics { Statistics() }

    func accumulate(_ chunk: ArraySlice<Double>, into statistics: inout Statistics) throws -> ChunkLikelihood {
        try GeneticLinkage(theta: theta).accumulate(chunk, into: &statistics)
    }

    var parameterVector: [Double] { [theta] }

    func replacingParameters(with vector: [Double]) -> LinkageByGradient? {
        vector.count == 1 && vector[0] > 0 && vector[0] < 1 ? LinkageByGradient(theta: vector[0]) : nil
    }

    /// Q(θ') = (y₂ + x₄) log θ' + (x₂ + x₃) log(1 − θ') + const, with y₂ the expected θ/4 share of x₁.
    func gradient(of s: Statistics) -> [Double] {
        let c = s.counts
        return [(c[1] + c[4]) / theta - (c[2] + c[3]) / (1 - theta)]
    }

    func hessian(of s: Statistics) -> [Double] {
        let c = s.counts
        return [-(c[1] + c[4]) / (theta * theta) - (c[2] + c[3]) / ((1 - theta) * (1 - theta))]
    }
}

@Suite("EM-gradient")
struct EMGradientTests {
    @Test("the genetic-linkage example converges to θ̂ = 0.626821497871 with a monotone likelihood")
    func geneticLinkage() throws {
        let fit = try ExpectationMaximization.fit(
            ArrayDataset([125, 18, 20, 34]), options: EMOptions(tolerance: 0, maxIterations: 40)
        ) { _, _ in LinkageByGradient(theta: 0.5) }
        #expect(abs(fit.model.theta - 0.626821497871) < 1e-12)
        for t in 1..<fit.history.count { #expect(fit.history[t] >= fit.history[t - 1] - 1e-15) }
        #expect(fit.warnings.isEmpty)
        // A Newton step on Q is not Q's maximiser: from θ = 0.3 the first steps differ (from 0.5
        // they happen to coincide for this Q).
        let options = EMOptions(tolerance: 0, maxIterations: 1)
        let gradientStep = try ExpectationMaximization.fit(ArrayDataset([125, 18, 20, 34]), options: options) { _, _ in
            LinkageByGradient(theta: 0.3)
        }
        let emStep = try ExpectationMaximization.fit(ArrayDataset([125, 18, 20, 34]), options: options) { _, _ in
            GeneticLinkage(theta: 0.3)
        }
        #expect(abs(gradientStep.model.theta - emStep.model.theta) > 1e-3)
        #expect(gradientStep.history[1] > gradientStep.history[0])
    }
}

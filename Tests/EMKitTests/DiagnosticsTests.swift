import Foundation
import Testing

@testable import EMKit

/// The stopping rule's estimate and the naming of degenerate optima.
@Suite("Stopping rule and degenerate optima")
struct DiagnosticsTests {
    @Test("Aitken's gap is exact on a geometric sequence, unknown while increments grow, 0 at rounding")
    func estimatedGap() {
        // ℓₜ = L − c aᵗ: the remaining gap after t steps is c aᵗ.
        let limit = -3.0
        let c = 0.5
        let a = 0.9
        let history = (0..<30).map { limit - c * _pow(a, Double($0)) }
        let gap = StoppingRule.estimatedGap(history: history)
        expectClose(gap, c * _pow(a, 29), relative: 1e-6, "gap")
        // Increments growing (leaving a plateau): no estimate.
        #expect(StoppingRule.estimatedGap(history: [-2, -1.999, -1.99, -1.9]) == .infinity)
        // Too short to tell, and a real decrease.
        #expect(StoppingRule.estimatedGap(history: [-2, -1.5]) == .infinity)
        #expect(StoppingRule.estimatedGap(history: [-2, -1.5, -1.6]) == .infinity)
        // Stopped moving: within rounding, or a fall too small to be real.
        #expect(StoppingRule.estimatedGap(history: [-2, -1.5, -1.5]) == 0)
        #expect(StoppingRule.estimatedGap(history: [-2, -1.5, -1.5 - 1e-12]) == 0)
        // The rule: relative above one nat per sample, absolute below; tolerance 0 never stops.
        #expect(StoppingRule.estimatedGap.isSatisfied(history: history, tolerance: 0.1, monotone: true))
        #expect(!StoppingRule.estimatedGap.isSatisfied(history: history, tolerance: 1e-3, monotone: true))
        #expect(!StoppingRule.estimatedGap.isSatisfied(history: [-2, -1.5, -1.5], tolerance: 0, monotone: true))
        #expect(StoppingRule.objectiveChange.isSatisfied(history: [-2, -1.9995], tolerance: 1e-3, monotone: true))
    }

    @Test("symmetric eigenvalues by Jacobi")
    func eigenvalues() {
        let a = Matrix(rows: [[2, 1, 0], [1, 2, 1], [0, 1, 2]])
        let values = a.symmetricEigenvalues()
        #expect(values.count == 3)
        let expected = [2 - 2.0.squareRoot(), 2, 2 + 2.0.squareRoot()]
        for (x, y) in zip(values, expected) { #expect(abs(x - y) < 1e-12) }
        #expect(Matrix(rows: [[4]]).symmetricEigenvalues() == [4])
    }

    @Test("a component collapsed onto repeated rows is named; so is one lighter than a sample or its parameters")
    func degenerateParts() throws {
        var generator = SeededGenerator(seed: 5)
        var rows = (0..<60).map { _ in [generator.nextStandardNormal(), generator.nextStandardNormal()] }
        rows += Array(repeating: [8.0, 8.0], count: 6)
        var options = GaussianMixture.FitOptions(componentCount: 2, covarianceType: .diagonal)
        options.em.seed = 1
        let fit = try GaussianMixture.fit(try RowDataset(Matrix(rows: rows)), options: options)
        let collapsed = fit.degenerateParts.filter { if case .varianceAtFloor = $0 { return true } else { return false } }
        #expect(collapsed.count == 1, "\(fit.degenerateParts)")
        #expect(collapsed.first.map { fit.model.means[$0.component, 0] } == 8)
        // A sound fit names nothing; two components for one Gaussian cloud leave one starved.
        options.covarianceType = .full
        let starved = try GaussianMixture.fit(try RowDataset(Matrix(rows: Array(rows.prefix(60)))), options: options)
        #expect(starved.degenerateParts.count == 1)
        options.componentCount = 1
        let sound = try GaussianMixture.fit(try RowDataset(Matrix(rows: Array(rows.prefix(60)))), options: options)
        #expect(sound.degenerateParts.isEmpty, "\(sound.degenerateParts)")

        let light = try GaussianMixture(
            weights: [0.995, 0.004, 0.001], means: Matrix(rows: [[0, 0], [3, 3], [6, 6]]),
            covariances: Array(repeating: Matrix.identity(2), count: 3), covarianceType: .full)
        let parts = light.degenerateParts(sampleWeight: 500)
        #expect(parts.contains(.fewerPointsThanParameters(component: 1, expectedCount: 2, parameters: 6)))
        #expect(parts.contains(.weightBelowOneSample(component: 2, expectedCount: 0.5)))
        #expect(parts.count == 2)
    }

    @Test("model selection passes over degenerate candidates and says so")
    func selection() throws {
        let iris = try RowDataset(try Fixtures.csv("iris"))
        var options = GaussianMixture.FitOptions(componentCount: 1)
        options.em = EMOptions(restarts: 20)
        options.squarem = true
        let (candidates, best) = ModelSelection.compare(
            iris, componentCounts: Array(1...9), covarianceTypes: [.full, .diagonal], criterion: .bic, options: options)
        let chosen = try #require(best.map { candidates[$0] })
        #expect(!chosen.isDegenerate)
        // mclust's answer for Iris by BIC is two components.
        #expect(chosen.componentCount == 2 && chosen.covarianceType == .full)
        let cautions = ModelSelection.cautions(candidates: candidates, best: best)
        #expect(cautions.contains { $0.contains("passed over because their optimum is degenerate") }, "\(cautions)")
        let narrow = ModelSelection.compare(
            iris, componentCounts: [1], covarianceTypes: [.full], criterion: .bic, options: options)
        #expect(ModelSelection.cautions(candidates: narrow.candidates, best: narrow.best).isEmpty)
        let rising = ModelSelection.compare(
            iris, componentCounts: [1, 2], covarianceTypes: [.full], criterion: .bic, options: options)
        #expect(ModelSelection.cautions(candidates: rising.candidates, best: rising.best).first?.contains("the largest tried") == true)
    }
}

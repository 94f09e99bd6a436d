import Foundation
import Testing

@testable import EMKit

/// Binomial, Bernoulli, categorical and Poisson mixtures against an independent NumPy/SciPy EM
/// (`Fixtures/make_discrete_fixtures.py`) from identical initial parameters.
/// Tolerances: mean log-likelihood 1e-9 relative, parameters 1e-8.
@Suite("Discrete mixtures against the reference script")
struct DiscreteMixtureFixtureTests {
    struct File: Decodable {
        struct Parameters: Decodable {
            let weights: [Double]
            let parameters: [[Double]]
        }
        struct Iteration: Decodable {
            let iterations: Int
            let weights: [Double]
            let parameters: [[Double]]
            let meanLogLikelihood: Double
            let classificationLogLikelihood: Double?
        }
        struct Case: Decodable, CustomTestStringConvertible {
            let name: String
            let family: String
            let data: String
            let components: Int
            let assignment: String
            let initial: Parameters
            let iterations: [Iteration]
            var testDescription: String { name }
        }
        struct Linkage: Decodable {
            let theta: Double
            let iterationsFromHalf: [Double]
        }
        let cases: [Case]
        let geneticLinkage: Linkage
    }

    static let file: File = Fixtures.decode(File.self, from: "discrete_fixtures.json")

    func check<Component: MixtureComponent>(_ family: Component.Type, _ fixture: File.Case) throws {
        let data = try CSVReader.read(path: Fixtures.path(fixture.data)).samples
        let start = try FiniteMixture<Component>(
            weights: fixture.initial.weights, components: fixture.initial.parameters.map { try Component(parameterVector: $0) })
        for expected in fixture.iterations {
            var options = FiniteMixture<Component>.FitOptions(componentCount: fixture.components)
            options.initialization = .parameters(start)
            options.settings.assignment = fixture.assignment == "hard" ? .hard : .soft
            options.em = EMOptions(tolerance: 0, maxIterations: expected.iterations)
            let fit = try FiniteMixture<Component>.fit(RowDataset(data), options: options)
            let label = "\(fixture.name) after \(expected.iterations)"
            let p = matchComponents(observed: fit.model.components.map(\.parameterVector), expected: expected.parameters)
            for c in 0..<fixture.components {
                expectClose(fit.model.weights[p[c]], expected.weights[c], relative: 1e-8, "\(label): weight \(c)")
                for (a, b) in zip(fit.model.components[p[c]].parameterVector, expected.parameters[c]) {
                    expectClose(a, b, relative: 1e-8, "\(label): parameter of component \(c)")
                }
            }
            expectClose(try fit.model.score(data), expected.meanLogLikelihood, relative: 1e-9, "\(label): log-likelihood")
            expectClose(
                fit.logLikelihood, expected.classificationLogLikelihood ?? expected.meanLogLikelihood, relative: 1e-9,
                "\(label): objective")
        }
    }

    @Test("parameters and log-likelihood after n iterations", arguments: file.cases)
    func matchesReference(_ fixture: File.Case) throws {
        switch fixture.family {
        case "binomial": try check(Binomial.self, fixture)
        case "bernoulli": try check(Bernoulli.self, fixture)
        case "categorical": try check(Categorical.self, fixture)
        case "poisson": try check(Poisson.self, fixture)
        default: Issue.record("unknown family \(fixture.family)")
        }
    }

    @Test("the genetic-linkage model of one's own follows the reference's iterates")
    func geneticLinkage() throws {
        for (n, expected) in Self.file.geneticLinkage.iterationsFromHalf.enumerated() {
            let fit = try ExpectationMaximization.fit(
                ArrayDataset([125, 18, 20, 34]), options: EMOptions(tolerance: 0, maxIterations: n + 1)
            ) { _, _ in GeneticLinkage(theta: 0.5) }
            #expect(abs(fit.model.theta - expected) < 1e-14)
        }
    }
}

extension Datasets {
    /// The two-dimensional, three-component mixture of seed 004's example: weights 0.6/0.3/0.1,
    /// means (0, 4), (−2, 0), (3, −3), covariances diag(3, 0.5), diag(1, 2), diag(0.5, 0.5).
    public static let seed004Mixture: GaussianMixture = {
        do {
            return try GaussianMixture(
                weights: [0.6, 0.3, 0.1],
                means: Matrix(rows: [[0, 4], [-2, 0], [3, -3]]),
                covariances: [
                    Matrix(rows: [[3, 0], [0, 0.5]]),
                    Matrix(rows: [[1, 0], [0, 2]]),
                    Matrix(rows: [[0.5, 0], [0, 0.5]]),
                ],
                covarianceType: .full)
        } catch {
            preconditionFailure("the seed 004 parameters are a valid mixture: \(error)")
        }
    }()

    /// A sample of seed 004's mixture as the seed draws it: ⌊πₖ N⌋ points from each component
    /// (120, 60 and 20 for N = 200), labelled by component, from a seeded generator.
    public static func seed004Sample(count: Int = 200, seed: UInt64 = 4) -> Labelled {
        let mixture = seed004Mixture
        var generator = SeededGenerator(seed: seed)
        var rows: [[Double]] = []
        var labels: [Int] = []
        for c in 0..<mixture.componentCount {
            let n = Int(mixture.weights[c] * Double(count))
            let sigma = mixture.covariance(ofComponent: c)
            for _ in 0..<n {
                rows.append((0..<2).map { mixture.means[c, $0] + sigma[$0, $0].squareRoot() * generator.nextStandardNormal() })
                labels.append(c)
            }
        }
        return Labelled(
            samples: Matrix(rows: rows), labels: labels, columnNames: ["x", "y"],
            classNames: ["component 1", "component 2", "component 3"])
    }
}

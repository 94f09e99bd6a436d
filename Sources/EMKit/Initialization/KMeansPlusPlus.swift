/// k-means++ seeding (Arthur & Vassilvitskii 2007), in its greedy form: each new centre is
/// the best of `2 + ⌊log K⌋` candidates drawn with probability proportional to the squared
/// distance to the nearest centre chosen so far (weighted by the sample weights).
///
/// - Complexity: O(N · K · (2 + log K) · d).
enum KMeansPlusPlus {
    /// Row indices of `count` initial centres.
    ///
    /// - Precondition: the data has at least `count` distinct rows of positive weight.
    static func centreIndices(
        in data: RowDataset, count: Int, using generator: inout some RandomNumberGenerator
    ) -> [Int] {
        let n = data.sampleCount
        let d = data.dimension
        let weights = data.sampleWeights ?? Array(repeating: 1, count: n)
        let x = data.samples.elements
        let trials = 2 + Int(_log(Double(count)))

        func squaredDistance(_ a: Int, _ b: Int) -> Double {
            var s = 0.0
            for j in 0..<d {
                let t = x[a * d + j] - x[b * d + j]
                s += t * t
            }
            return s
        }

        /// An index drawn with probability proportional to `mass[i]`.
        func draw(_ mass: [Double], total: Double) -> Int {
            let target = Double.random(in: 0..<1, using: &generator) * total
            var running = 0.0
            var last = 0
            for i in 0..<n where mass[i] > 0 {
                running += mass[i]
                last = i
                if running > target { return i }
            }
            return last
        }

        var centres = [draw(weights, total: weights.reduce(0, +))]
        var closest = (0..<n).map { squaredDistance($0, centres[0]) }
        while centres.count < count {
            let mass = (0..<n).map { weights[$0] * closest[$0] }
            let potential = mass.reduce(0, +)
            guard potential > 0 else { break }
            var bestCandidate = -1
            var bestPotential = Double.infinity
            var bestDistances: [Double] = []
            for _ in 0..<trials {
                let candidate = draw(mass, total: potential)
                var distances = closest
                var candidatePotential = 0.0
                for i in 0..<n {
                    let distance = squaredDistance(i, candidate)
                    if distance < distances[i] { distances[i] = distance }
                    candidatePotential += weights[i] * distances[i]
                }
                if candidatePotential < bestPotential {
                    bestPotential = candidatePotential
                    bestCandidate = candidate
                    bestDistances = distances
                }
            }
            centres.append(bestCandidate)
            closest = bestDistances
        }
        return centres
    }
}

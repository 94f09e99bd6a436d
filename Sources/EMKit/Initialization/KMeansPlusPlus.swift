/// k-means++ seeding (Arthur & Vassilvitskii 2007), in its greedy form: each new centre is
/// the best of `2 + ⌊log K⌋` candidates drawn with probability proportional to the squared
/// distance to the nearest centre chosen so far (weighted by the sample weights).
///
/// Reads the data chunk by chunk, so it works on streamed files too; it keeps two values per row.
/// - Complexity: O(N · K · (2 + log K) · d).
enum KMeansPlusPlus {
    /// Row indices of `count` initial centres.
    ///
    /// - Precondition: the data has at least `count` distinct rows of positive weight.
    /// - Throws: what reading the data throws.
    static func centreIndices(
        in data: RowDataset, count: Int, using generator: inout some RandomNumberGenerator
    ) throws -> [Int] {
        let n = data.sampleCount
        let d = data.dimension
        let trials = 2 + Int(_log(Double(count)))

        /// The squared distance of every row to `centre`, folded into `body(row, distance)`.
        func forEachDistance(to centre: [Double], _ body: (Int, Double) -> Void) throws {
            try data.forEachChunk { start, rowCount, rows, _ in
                for b in 0..<rowCount {
                    let x = rows + b * d
                    var s = 0.0
                    for j in 0..<d {
                        let t = x[j] - centre[j]
                        s += t * t
                    }
                    body(start + b, s)
                }
            }
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

        let weights = data.sampleWeights ?? Array(repeating: 1, count: n)
        var centres = [draw(weights, total: weights.reduce(0, +))]
        var closest = [Double](repeating: 0, count: n)
        try forEachDistance(to: data.row(centres[0])) { closest[$0] = $1 }
        var candidateDistances = [Double](repeating: 0, count: n)
        while centres.count < count {
            let mass = (0..<n).map { weights[$0] * closest[$0] }
            let potential = mass.reduce(0, +)
            guard potential > 0 else { break }
            var bestCandidate = -1
            var bestPotential = Double.infinity
            var bestDistances: [Double] = []
            for _ in 0..<trials {
                let candidate = draw(mass, total: potential)
                var candidatePotential = 0.0
                try forEachDistance(to: data.row(candidate)) { i, distance in
                    let nearest = min(distance, closest[i])
                    candidateDistances[i] = nearest
                    candidatePotential += weights[i] * nearest
                }
                if candidatePotential < bestPotential {
                    bestPotential = candidatePotential
                    bestCandidate = candidate
                    swap(&bestDistances, &candidateDistances)
                    if candidateDistances.count != n { candidateDistances = [Double](repeating: 0, count: n) }
                }
            }
            centres.append(bestCandidate)
            closest = bestDistances
        }
        return centres
    }
}

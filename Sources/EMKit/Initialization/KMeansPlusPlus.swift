/// k-means++ seeding (Arthur & Vassilvitskii 2007), in its greedy form: each new centre is
/// the best of `2 + ⌊log K⌋` candidates drawn with probability proportional to the squared
/// distance to the nearest centre chosen so far (weighted by the sample weights).
///
/// Reads the data chunk by chunk, so it works on streamed files too; it keeps three numbers per
/// row (24 bytes: the nearest-centre distance and two candidates'), besides the data's weights.
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

        /// An index drawn with probability proportional to `mass(i)`, whose sum is `total`.
        func draw(_ mass: (Int) -> Double, total: Double) -> Int {
            let target = Double.random(in: 0..<1, using: &generator) * total
            var running = 0.0
            var last = 0
            for i in 0..<n {
                let m = mass(i)
                guard m > 0 else { continue }
                running += m
                last = i
                if running > target { return i }
            }
            return last
        }

        // Per row: the distance to the nearest centre, and the candidates' (three numbers; the
        // weights are the data's own, and each row's mass weight × distance is computed when read).
        let weights = data.sampleWeights
        func weight(_ i: Int) -> Double { weights?[i] ?? 1 }
        var centres = [draw(weight, total: (0..<n).reduce(0) { $0 + weight($1) })]
        var closest = [Double](repeating: 0, count: n)
        try forEachDistance(to: data.row(centres[0])) { closest[$0] = $1 }
        var candidateDistances = [Double](repeating: 0, count: n)
        while centres.count < count {
            let mass = { (i: Int) in weight(i) * closest[i] }
            let potential = (0..<n).reduce(0) { $0 + mass($1) }
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
                    candidatePotential += weight(i) * nearest
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

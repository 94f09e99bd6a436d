/// k-means++ seeding (Arthur & Vassilvitskii 2007), in its greedy form: each new centre is
/// the best of `2 + ⌊log K⌋` candidates drawn with probability proportional to the squared
/// distance to the nearest centre chosen so far (weighted by the sample weights).
///
/// Reads the data chunk by chunk, so it works on streamed files too, in one of two ways that
/// choose the same centres, bit for bit:
/// - **keeping distances** (data in memory): three numbers per row (24 bytes: the nearest-centre
///   distance and two candidates'), one pass per candidate;
/// - **recomputing distances** (streamed data, whose memory is bounded by `--max-memory`): no
///   per-row numbers, memory O(K·d); each row's nearest-centre distance is recomputed from the
///   centres in each of three passes per centre.
/// - Complexity: O(N · K · (2 + log K) · d) keeping distances; O(N · K · (K + 2 + log K) · d)
///   recomputing them.
enum KMeansPlusPlus {
    /// Row indices of `count` initial centres; `keepingDistances` chooses the method (the
    /// centres are the same), by default keeping them unless the rows are streamed.
    ///
    /// - Precondition: the data has at least `count` distinct rows of positive weight.
    /// - Throws: what reading the data throws.
    static func centreIndices(
        in data: RowDataset, count: Int, keepingDistances: Bool? = nil, using generator: inout some RandomNumberGenerator
    ) throws -> [Int] {
        let keep = keepingDistances ?? (data.source.residentBytes > 0)
        let seeding = Seeding(data: data)
        var centres = [seeding.draw(seeding.weight, total: seeding.totalWeight, target: generator.nextUnitFraction())]
        return keep
            ? try seeding.keepingDistances(count: count, centres: &centres, using: &generator)
            : try seeding.recomputingDistances(count: count, centres: &centres, using: &generator)
    }

    /// The state of one seeding run.
    private struct Seeding {
        let data: RowDataset
        let n: Int
        let d: Int
        let weights: [Double]?

        init(data: RowDataset) {
            self.data = data
            n = data.sampleCount
            d = data.dimension
            weights = data.sampleWeights
        }

        /// The candidates drawn per centre when `count` centres are seeded.
        func trials(_ count: Int) -> Int { 2 + Int(_log(Double(count))) }

        func weight(_ i: Int) -> Double { weights?[i] ?? 1 }

        var totalWeight: Double { (0..<n).reduce(0) { $0 + weight($1) } }

        /// `‖x − c‖²`.
        @inline(__always)
        static func squaredDistance(_ x: UnsafePointer<Double>, _ centre: [Double], _ d: Int) -> Double {
            var s = 0.0
            for j in 0..<d {
                let t = x[j] - centre[j]
                s += t * t
            }
            return s
        }

        /// The squared distance of every row to `centre`, folded into `body(row, distance)`.
        func forEachDistance(to centre: [Double], _ body: (Int, Double) -> Void) throws {
            try data.forEachChunk { start, rowCount, rows, _ in
                for b in 0..<rowCount { body(start + b, Self.squaredDistance(rows + b * d, centre, d)) }
            }
        }

        /// The index the cumulative sum of `mass` (over rows in order) first exceeds
        /// `target · total` at; the last row of positive mass when rounding leaves it short.
        func draw(_ mass: (Int) -> Double, total: Double, target fraction: Double) -> Int {
            let target = fraction * total
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

        func keepingDistances(count: Int, centres: inout [Int], using generator: inout some RandomNumberGenerator) throws -> [Int] {
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
                for _ in 0..<trials(count) {
                    let candidate = draw(mass, total: potential, target: generator.nextUnitFraction())
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

        /// Calls `body` for every row in order with its index, the row and its squared distance
        /// to the nearest of `centres` (the minimum, as `keepingDistances` folds it).
        func forEachNearestDistance(
            to centres: [[Double]], _ body: (Int, UnsafePointer<Double>, Double) -> Void
        ) throws {
            try data.forEachChunk { start, rowCount, rows, _ in
                for b in 0..<rowCount {
                    let x = rows + b * d
                    var nearest = Self.squaredDistance(x, centres[0], d)
                    for c in centres.dropFirst() { nearest = min(Self.squaredDistance(x, c, d), nearest) }
                    body(start + b, x, nearest)
                }
            }
        }

        func recomputingDistances(count: Int, centres: inout [Int], using generator: inout some RandomNumberGenerator) throws -> [Int] {
            var centreRows = [try data.row(centres[0])]
            while centres.count < count {
                // Pass 1: the potential, summed in row order.
                var potential = 0.0
                try forEachNearestDistance(to: centreRows) { i, _, nearest in potential += weight(i) * nearest }
                guard potential > 0 else { break }
                // Pass 2: every trial's candidate, from the same uniform draws in the same order.
                let targets = (0..<trials(count)).map { _ in generator.nextUnitFraction() * potential }
                var candidates = [Int](repeating: -1, count: targets.count)
                var running = 0.0
                var last = 0
                try forEachNearestDistance(to: centreRows) { i, _, nearest in
                    let m = weight(i) * nearest
                    guard m > 0 else { return }
                    running += m
                    last = i
                    for t in targets.indices where candidates[t] < 0 && running > targets[t] { candidates[t] = i }
                }
                for t in candidates.indices where candidates[t] < 0 { candidates[t] = last }
                // Pass 3: each candidate's potential.
                let candidateRows = try candidates.map { try data.row($0) }
                var candidatePotentials = [Double](repeating: 0, count: candidates.count)
                try forEachNearestDistance(to: centreRows) { i, x, nearest in
                    for t in candidates.indices {
                        candidatePotentials[t] += weight(i) * min(Self.squaredDistance(x, candidateRows[t], d), nearest)
                    }
                }
                var best = 0
                for t in candidates.indices where candidatePotentials[t] < candidatePotentials[best] { best = t }
                centres.append(candidates[best])
                centreRows.append(candidateRows[best])
            }
            return centres
        }
    }
}

extension RandomNumberGenerator {
    /// A uniform variate in [0, 1), as `Double.random(in: 0..<1, using:)` draws it.
    mutating func nextUnitFraction() -> Double { Double.random(in: 0..<1, using: &self) }
}

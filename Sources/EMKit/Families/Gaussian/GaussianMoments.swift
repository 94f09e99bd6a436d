import EMKitKernels

/// Weighted first and second moments of several groups of vectors, stored as
/// (total weight, mean, centred scatter) per group, so that merging does not cancel.
///
/// These are the sufficient statistics of a Gaussian (one group) or a Gaussian mixture (one
/// group per component, weights being responsibilities). The scatter of group `k` is
/// `Σᵢ wᵢ (xᵢ − x̄ₖ)(xᵢ − x̄ₖ)ᵀ`, kept in full (`d × d`) or only its diagonal.
///
/// Two sets of moments merge by the pairwise formula of Chan, Golub & LeVeque (1979):
///
/// ```
/// W = Wa + Wb,   δ = x̄b − x̄a,   x̄ = x̄a + δ·Wb/W,   S = Sa + Sb + δδᵀ·Wa·Wb/W
/// ```
///
/// which, unlike raw sums Σx and ΣxxᵀT, stays accurate when the data sit far from the origin.
public struct GaussianMoments: Sendable, Equatable {
    /// Whether the full scatter matrix or only its diagonal is kept.
    public enum ScatterShape: Sendable, Equatable {
        /// `d × d` per group (full and tied covariances).
        case full
        /// `d` per group (diagonal and spherical covariances).
        case diagonal
    }

    /// The number of groups.
    public let groupCount: Int
    /// The dimension of the vectors.
    public let dimension: Int
    /// What part of the scatter is kept.
    public let scatterShape: ScatterShape
    /// The total weight per group, `[groupCount]`.
    public internal(set) var weights: [Double]
    /// The weighted mean per group, row-major `[groupCount × dimension]`.
    public internal(set) var means: [Double]
    /// The centred scatter per group: `[groupCount × dimension × dimension]` (full, row-major,
    /// upper triangle and diagonal filled; the lower triangle is filled by `symmetrize`)
    /// or `[groupCount × dimension]` (diagonal).
    public internal(set) var scatter: [Double]

    /// Moments of no data.
    public init(groupCount: Int, dimension: Int, scatterShape: ScatterShape) {
        self.groupCount = groupCount
        self.dimension = dimension
        self.scatterShape = scatterShape
        weights = Array(repeating: 0, count: groupCount)
        means = Array(repeating: 0, count: groupCount * dimension)
        scatter = Array(repeating: 0, count: groupCount * scatterSize(dimension, scatterShape))
    }

    /// The number of scatter values per group.
    var scatterStride: Int { scatterSize(dimension, scatterShape) }

    /// Adds the moments of `other` (data disjoint from `self`'s).
    public mutating func merge(_ other: GaussianMoments) {
        precondition(groupCount == other.groupCount && dimension == other.dimension && scatterShape == other.scatterShape)
        let d = dimension
        let stride = scatterStride
        for k in 0..<groupCount {
            let wb = other.weights[k]
            if wb == 0 { continue }
            let wa = weights[k]
            if wa == 0 {
                weights[k] = wb
                for j in 0..<d { means[k * d + j] = other.means[k * d + j] }
                for j in 0..<stride { scatter[k * stride + j] = other.scatter[k * stride + j] }
                continue
            }
            let w = wa + wb
            let share = wb / w
            let cross = wa * share
            var delta = [Double](repeating: 0, count: d)
            for j in 0..<d {
                delta[j] = other.means[k * d + j] - means[k * d + j]
                means[k * d + j] += delta[j] * share
            }
            switch scatterShape {
            case .full:
                for i in 0..<d {
                    let di = delta[i] * cross
                    for j in i..<d {
                        scatter[k * stride + i * d + j] += other.scatter[k * stride + i * d + j] + di * delta[j]
                    }
                }
            case .diagonal:
                for j in 0..<d {
                    scatter[k * stride + j] += other.scatter[k * stride + j] + cross * delta[j] * delta[j]
                }
            }
            weights[k] = w
        }
    }

    /// Multiplies every weight and scatter by `factor`, as if every sample's weight were; the
    /// means do not change.
    public mutating func scale(by factor: Double) {
        for i in weights.indices { weights[i] *= factor }
        for i in scatter.indices { scatter[i] *= factor }
    }

    /// The scatter of group `k` as a full symmetric `d × d` row-major matrix.
    public func scatterMatrix(group k: Int) -> [Double] {
        let d = dimension
        var result = [Double](repeating: 0, count: d * d)
        switch scatterShape {
        case .full:
            for i in 0..<d {
                for j in i..<d {
                    let value = scatter[k * d * d + i * d + j]
                    result[i * d + j] = value
                    result[j * d + i] = value
                }
            }
        case .diagonal:
            for j in 0..<d { result[j * d + j] = scatter[k * d + j] }
        }
        return result
    }

    /// The diagonal of group `k`'s scatter, `[dimension]`: what diagonal and spherical
    /// covariances need, without forming the `d × d` matrix.
    public func scatterDiagonal(group k: Int) -> [Double] {
        let d = dimension
        switch scatterShape {
        case .full: return (0..<d).map { scatter[k * d * d + $0 * d + $0] }
        case .diagonal: return Array(scatter[(k * d)..<((k + 1) * d)])
        }
    }

    /// The moments of all groups pooled into one group, as if the group labels were dropped.
    public var pooled: GaussianMoments {
        var result = GaussianMoments(groupCount: 1, dimension: dimension, scatterShape: scatterShape)
        let stride = scatterStride
        for k in 0..<groupCount {
            var single = GaussianMoments(groupCount: 1, dimension: dimension, scatterShape: scatterShape)
            single.weights[0] = weights[k]
            single.means = Array(means[(k * dimension)..<((k + 1) * dimension)])
            single.scatter = Array(scatter[(k * stride)..<((k + 1) * stride)])
            result.merge(single)
        }
        return result
    }
}

extension GaussianMoments: StatisticsArchivable {
    /// The same group count, dimension and scatter shape.
    public func hasShape(of other: GaussianMoments) -> Bool {
        groupCount == other.groupCount && dimension == other.dimension && scatterShape == other.scatterShape
    }

    /// Writes the moments exactly (`StatisticsArchivable`).
    public func write(to writer: inout StatisticsWriter) {
        writer.write(groupCount)
        writer.write(dimension)
        writer.write(scatterShape == .full ? 1 : 0)
        writer.write(weights)
        writer.write(means)
        writer.write(scatter)
    }

    /// Reads moments written by `write(to:)`, checking every size.
    ///
    /// - Throws: `StatisticsArchiveError`.
    public init(from reader: inout StatisticsReader) throws {
        let groupCount = try reader.readCount(1...1_000_000, bytesEach: 0)
        let dimension = try reader.readCount(1...100_000_000, bytesEach: 0)
        let shape: ScatterShape = try reader.readInt() == 1 ? .full : .diagonal
        // Sizes are checked against the bytes as they are read; this keeps their products in Int.
        guard Double(groupCount) * Double(dimension) * (shape == .full ? Double(dimension) : 1) <= 1e15 else {
            throw StatisticsArchiveError(reason: "\(groupCount) groups of dimension \(dimension) are too many to hold")
        }
        let stride = scatterSize(dimension, shape)
        let weights = try reader.readDoubles(count: groupCount)
        let means = try reader.readDoubles(count: groupCount * dimension)
        let scatter = try reader.readDoubles(count: groupCount * stride)
        self.init(groupCount: groupCount, dimension: dimension, scatterShape: shape, weights: weights, means: means, scatter: scatter)
    }

    /// Moments with the given sums (shapes checked by the caller).
    init(groupCount: Int, dimension: Int, scatterShape: ScatterShape, weights: [Double], means: [Double], scatter: [Double]) {
        self.groupCount = groupCount
        self.dimension = dimension
        self.scatterShape = scatterShape
        self.weights = weights
        self.means = means
        self.scatter = scatter
    }
}

@inline(__always) func scatterSize(_ d: Int, _ shape: GaussianMoments.ScatterShape) -> Int {
    shape == .full ? d * d : d
}

/// Accumulates one chunk's moments about a fixed shift per group (the current component means),
/// then converts them to `GaussianMoments`. Sums of `w(x − shift)` and `w(x − shift)(x − shift)ᵀ`
/// about a shift close to the group mean do not cancel (the "shifted data" algorithm), and the
/// chunk's moments are then merged with Chan's formula.
struct ShiftedMomentAccumulator {
    let groupCount: Int
    let dimension: Int
    let scatterShape: GaussianMoments.ScatterShape
    /// The shift per group, `[groupCount × dimension]`.
    let shifts: [Double]
    var weights: [Double]
    var firstMoments: [Double]
    var secondMoments: [Double]

    init(shifts: [Double], groupCount: Int, dimension: Int, scatterShape: GaussianMoments.ScatterShape) {
        self.groupCount = groupCount
        self.dimension = dimension
        self.scatterShape = scatterShape
        self.shifts = shifts
        weights = Array(repeating: 0, count: groupCount)
        firstMoments = Array(repeating: 0, count: groupCount * dimension)
        secondMoments = Array(repeating: 0, count: groupCount * scatterSize(dimension, scatterShape))
    }

    /// Adds the row `x` (`dimension` values) with weight `r` to group `c`.
    @inline(__always)
    mutating func add(_ x: UnsafePointer<Double>, weight r: Double, group c: Int) {
        let d = dimension
        weights[c] += r
        for i in 0..<d {
            let zi = x[i] - shifts[c * d + i]
            firstMoments[c * d + i] += r * zi
            if scatterShape == .full {
                for j in i..<d { secondMoments[c * d * d + i * d + j] += r * zi * (x[j] - shifts[c * d + j]) }
            } else {
                secondMoments[c * d + i] += r * zi * zi
            }
        }
    }

    /// The moments accumulated so far, merged into `moments`.
    func merge(into moments: inout GaussianMoments) {
        let d = dimension
        let stride = scatterSize(d, scatterShape)
        var chunk = GaussianMoments(groupCount: groupCount, dimension: d, scatterShape: scatterShape)
        for k in 0..<groupCount {
            let w = weights[k]
            guard w > 0 else { continue }
            chunk.weights[k] = w
            for j in 0..<d {
                let offset = firstMoments[k * d + j] / w
                chunk.means[k * d + j] = shifts[k * d + j] + offset
            }
            switch scatterShape {
            case .full:
                for i in 0..<d {
                    let si = firstMoments[k * d + i] / w
                    for j in i..<d {
                        chunk.scatter[k * stride + i * d + j] =
                            secondMoments[k * stride + i * d + j] - si * firstMoments[k * d + j]
                    }
                }
            case .diagonal:
                for j in 0..<d {
                    let s = firstMoments[k * d + j]
                    chunk.scatter[k * stride + j] = secondMoments[k * stride + j] - s * s / w
                }
            }
        }
        moments.merge(chunk)
    }
}

extension ShiftedMomentAccumulator {
    /// Adds a block of `n` rows (row-major) to group `c`, each with weight `r[b]`, through the C
    /// kernels: Σ r (x − shift) and Σ r (x − shift)(x − shift)ᵀ (or its diagonal). The weights
    /// themselves are not added to `weights`: callers sum them where they are computed.
    ///
    /// - Parameters:
    ///   - transposed: the same block transposed (`d × n`); needed for a diagonal scatter, ignored
    ///     for a full one.
    ///   - scratch: `emk_accumulate_full_scratch(d)` doubles.
    mutating func addBlock(
        _ rows: UnsafePointer<Double>, transposed: UnsafePointer<Double>?, count n: Int, weights r: UnsafePointer<Double>,
        group c: Int, scratch: UnsafeMutablePointer<Double>
    ) {
        let d = dimension
        let full = scatterShape == .full
        shifts.withUnsafeBufferPointer { shift in
            firstMoments.withUnsafeMutableBufferPointer { first in
                secondMoments.withUnsafeMutableBufferPointer { second in
                    let mu = shift.baseAddress.unsafelyUnwrapped + c * d
                    let firstOfGroup = first.baseAddress.unsafelyUnwrapped + c * d
                    if full {
                        emk_accumulate_full(n, d, rows, mu, r, firstOfGroup, second.baseAddress.unsafelyUnwrapped + c * d * d, scratch)
                    } else if let transposed {
                        emk_accumulate_diagonal_transposed(n, d, transposed, mu, r, firstOfGroup, second.baseAddress.unsafelyUnwrapped + c * d)
                    } else {
                        preconditionFailure("a diagonal scatter needs the transposed block")
                    }
                }
            }
        }
    }
}

/// A fast, seedable pseudo-random number generator (xoshiro256**, Blackman & Vigna 2018),
/// seeded through SplitMix64.
///
/// The standard library's `SystemRandomNumberGenerator` cannot be seeded, and a fit must be
/// reproducible bit for bit from its seed, so EMKit carries this small generator itself.
/// Every random API in EMKit takes `using generator: inout some RandomNumberGenerator`;
/// pass a `SeededGenerator` for reproducible results.
///
/// ```swift
/// var generator = SeededGenerator(seed: 42)
/// let u = Double.random(in: 0..<1, using: &generator)
/// ```
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    private var state: (UInt64, UInt64, UInt64, UInt64)

    /// Creates a generator whose sequence is determined by `seed`.
    public init(seed: UInt64) {
        var splitMix = seed
        func next() -> UInt64 {
            splitMix &+= 0x9E37_79B9_7F4A_7C15
            var z = splitMix
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        state = (next(), next(), next(), next())
    }

    /// A generator for stream `stream` derived from `seed`: restarts use one stream each, so a
    /// restart's result does not depend on how many random numbers earlier restarts drew.
    public init(seed: UInt64, stream: UInt64) {
        self.init(seed: seed ^ (stream &* 0xD1B5_4A32_D192_ED03) &+ stream)
    }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
        let result = rotate(state.1 &* 5, 7) &* 9
        let t = state.1 << 17
        state.2 ^= state.0
        state.3 ^= state.1
        state.1 ^= state.2
        state.0 ^= state.3
        state.2 ^= t
        state.3 = rotate(state.3, 45)
        return result
    }

    @inline(__always) private func rotate(_ x: UInt64, _ k: UInt64) -> UInt64 {
        (x << k) | (x >> (64 - k))
    }
}

extension RandomNumberGenerator {
    /// A uniform variate in [0, 1) from the top 53 bits of the next random number.
    @inlinable
    public mutating func nextUnitInterval() -> Double {
        Double(next() >> 11) * 0x1p-53
    }

    /// An index drawn with probability proportional to `weights[i]` (non-negative, not all zero),
    /// by inverting the cumulative sum; the last index absorbs rounding.
    public mutating func nextIndex<C: Collection>(weights: C) -> Int where C.Element == Double {
        let total = weights.reduce(0, +)
        let target = nextUnitInterval() * total
        var running = 0.0
        for (index, weight) in weights.enumerated() {
            running += weight
            if target < running { return index }
        }
        return max(weights.count - 1, 0)
    }

    /// A standard normal variate, by the Marsaglia polar method.
    @inlinable
    public mutating func nextStandardNormal() -> Double {
        while true {
            let u = 2 * nextUnitInterval() - 1
            let v = 2 * nextUnitInterval() - 1
            let s = u * u + v * v
            if s > 0 && s < 1 {
                return u * (-2 * _log(s) / s).squareRoot()
            }
        }
    }
}

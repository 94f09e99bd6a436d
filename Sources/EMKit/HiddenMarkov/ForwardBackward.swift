/// The scaled forward–backward recursions (Rabiner 1989, §V.A) on one sequence.
///
/// Emission densities enter as `b̃ₜ(s) = exp(log bₜ(s) − mₜ)` with `mₜ = max_s log bₜ(s)`, and
/// the forward variables are renormalised at every step (`cₜ`), so nothing under- or overflows
/// however long the sequence: log p(x) = Σₜ (mₜ + log cₜ). Sequences of 10⁶ steps take
/// 3·T·S doubles of memory.
struct ForwardBackward {
    /// γ, `T × S`: P(zₜ = s | x).
    var posteriors: [Double]
    /// Σₜ ξₜ, `S × S`: the expected transition counts.
    var transitionCounts: [Double]
    /// log p(x₁…x_T).
    var logLikelihood: Double

    init(logDensities: [Double], length t: Int, start: [Double], transitions: [Double], stateCount s: Int) {
        var b = [Double](repeating: 0, count: t * s)
        var offsets = [Double](repeating: 0, count: t)
        for i in 0..<t {
            var m = -Double.infinity
            for c in 0..<s { m = max(m, logDensities[i * s + c]) }
            offsets[i] = m
            for c in 0..<s { b[i * s + c] = _exp(logDensities[i * s + c] - m) }
        }
        var alpha = [Double](repeating: 0, count: t * s)
        var scales = [Double](repeating: 0, count: t)
        var logLikelihood = 0.0
        for i in 0..<t {
            var total = 0.0
            for c in 0..<s {
                var value: Double
                if i == 0 {
                    value = start[c]
                } else {
                    value = 0
                    for p in 0..<s { value += alpha[(i - 1) * s + p] * transitions[p * s + c] }
                }
                value *= b[i * s + c]
                alpha[i * s + c] = value
                total += value
            }
            scales[i] = total
            if total > 0 { for c in 0..<s { alpha[i * s + c] /= total } }
            logLikelihood += offsets[i] + _log(total)
        }
        var beta = [Double](repeating: 1, count: t * s)
        var posteriors = [Double](repeating: 0, count: t * s)
        var transitionCounts = [Double](repeating: 0, count: s * s)
        if t >= 2 {
            for i in stride(from: t - 2, through: 0, by: -1) {
                let scale = scales[i + 1]
                for p in 0..<s {
                    var value = 0.0
                    for c in 0..<s { value += transitions[p * s + c] * b[(i + 1) * s + c] * beta[(i + 1) * s + c] }
                    beta[i * s + p] = scale > 0 ? value / scale : 0
                }
                // ξₜ(p, c) = α̂ₜ(p) A_pc b̃ₜ₊₁(c) β̂ₜ₊₁(c) / cₜ₊₁
                for p in 0..<s {
                    let a = alpha[i * s + p]
                    if a == 0 { continue }
                    for c in 0..<s {
                        transitionCounts[p * s + c] += scale > 0
                            ? a * transitions[p * s + c] * b[(i + 1) * s + c] * beta[(i + 1) * s + c] / scale : 0
                    }
                }
            }
        }
        for i in 0..<t {
            var total = 0.0
            for c in 0..<s {
                posteriors[i * s + c] = alpha[i * s + c] * beta[i * s + c]
                total += posteriors[i * s + c]
            }
            if total > 0 { for c in 0..<s { posteriors[i * s + c] /= total } }
        }
        self.posteriors = posteriors
        self.transitionCounts = transitionCounts
        self.logLikelihood = logLikelihood
    }
}

/// The most probable state path (Viterbi 1967), in the log domain.
func viterbiPath(logDensities: [Double], length t: Int, logStart: [Double], logTransitions: [Double], stateCount s: Int)
    -> (path: [Int], logProbability: Double)
{
    var delta = [Double](repeating: -.infinity, count: s)
    var next = [Double](repeating: -.infinity, count: s)
    var back = [Int32](repeating: 0, count: t * s)
    for c in 0..<s { delta[c] = logStart[c] + logDensities[c] }
    if t > 1 {
        for i in 1..<t {
            for c in 0..<s {
                var best = -Double.infinity
                var argument = 0
                for p in 0..<s {
                    let value = delta[p] + logTransitions[p * s + c]
                    if value > best {
                        best = value
                        argument = p
                    }
                }
                next[c] = best + logDensities[i * s + c]
                back[i * s + c] = Int32(argument)
            }
            swap(&delta, &next)
        }
    }
    var last = 0
    for c in 1..<max(s, 1) where delta[c] > delta[last] { last = c }
    var path = [Int](repeating: 0, count: t)
    path[t - 1] = last
    if t > 1 { for i in stride(from: t - 1, to: 0, by: -1) { path[i - 1] = Int(back[i * s + path[i]]) } }
    return (path, delta[last])
}

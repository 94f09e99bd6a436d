import EMKitKernels

/// The scaled forward–backward recursions (Rabiner 1989, §V.A) on one sequence, computed by the
/// C kernel `emk_forward_backward`.
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
        var posteriors = [Double](repeating: 0, count: t * s)
        var transitionCounts = [Double](repeating: 0, count: s * s)
        var scratch = [Double](repeating: 0, count: emk_forward_backward_scratch(t, s))
        logLikelihood = emk_forward_backward(t, s, logDensities, start, transitions, &posteriors, &transitionCounts, &scratch)
        self.posteriors = posteriors
        self.transitionCounts = transitionCounts
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

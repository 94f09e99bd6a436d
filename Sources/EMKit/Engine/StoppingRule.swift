/// When the EM loop decides that a fit has converged.
///
/// The default, `.estimatedGap`, measures how far the objective still is from its limit rather
/// than how much the last step moved it. Near an optimum EM converges linearly: the objective's
/// increments shrink by a nearly constant rate `a = dₜ / dₜ₋₁` (the largest eigenvalue of the EM
/// map's Jacobian, Dempster, Laird & Rubin 1977). Summing the geometric tail gives Aitken's
/// estimate of the distance still to go (Böhning et al. 1994; Lindsay 1995; McNicholas et al.
/// 2010):
///
/// ```
/// gapₜ = dₜ · a / (1 − a),   a = max(dₜ / dₜ₋₁, dₜ₋₁ / dₜ₋₂)   (the slower of the last two rates)
/// ```
///
/// A fit converges when `gapₜ ≤ tolerance × max(1, |ℓₜ|)`, with ℓ the objective per unit of
/// sample weight: a relative tolerance where the objective exceeds one nat per sample, an
/// absolute one (nats per sample) below. A slow fit (a close to 1) therefore runs on even when
/// each step is tiny, which is where a rule on the step alone stops far short; when the rate is
/// not yet in its linear regime (a ≥ 1, increments growing, as when leaving a plateau) the gap is
/// unknown and the fit goes on. When the objective stops changing beyond rounding the gap is 0.
///
/// `.objectiveChange` is scikit-learn's and hmmlearn's rule, `|ℓₜ − ℓₜ₋₁| < tolerance` on the
/// objective per sample; use it to reproduce those tools' iteration counts.
public enum StoppingRule: String, Sendable, Equatable, CaseIterable {
    /// Stop when Aitken's estimate of the remaining rise of the objective is within the tolerance
    /// (relative above one nat per sample, absolute below). The default.
    case estimatedGap = "estimated-gap"
    /// Stop when the objective per sample changes by less than the tolerance (scikit-learn's rule).
    case objectiveChange = "objective-change"

    /// The smallest change of the objective per sample that is not rounding: changes this small
    /// mean the objective has stopped moving.
    static func roundingFloor(_ objective: Double) -> Double { 1e-13 * max(1, abs(objective)) }

    /// Whether a fall of the objective per sample from `previous` to `next` is within what
    /// rounding can cause (1e-9 relative, absolute below 1 nat per sample), rather than a real
    /// decrease, which a monotone scheme reports as a warning.
    public static func isRoundingDecrease(from previous: Double, to next: Double) -> Bool {
        next >= previous - 1e-9 * max(1, abs(previous))
    }

    /// Aitken's estimate of how much the objective per sample may still rise, from its history
    /// (one entry per iteration); `.infinity` when it cannot be told yet (fewer than four
    /// entries, so fewer than two rates; a decrease; or increments that are not shrinking).
    ///
    /// - Parameters:
    ///   - history: the objective per sample after 0, 1, 2, … M-steps (only the last four are read).
    ///   - monotone: whether the scheme promises a non-decreasing objective; for one that does not
    ///     (stepwise EM), the sizes of the increments are used.
    public static func estimatedGap(history: [Double], monotone: Bool = true) -> Double {
        let n = history.count
        guard n >= 2 else { return .infinity }
        var last = history[n - 1] - history[n - 2]
        if abs(last) <= roundingFloor(history[n - 1]) { return 0 }
        // A monotone scheme's objective cannot fall; a fall too small to be a real one
        // (`isRoundingDecrease`) means it has reached the noise floor of its arithmetic, as with
        // a nearly singular covariance.
        if monotone && last < 0 && isRoundingDecrease(from: history[n - 2], to: history[n - 1]) { return 0 }
        if !monotone { last = abs(last) }
        // Two rates at least: one alone cannot tell a plateau (a big first step, then a tiny
        // one) from convergence.
        guard last > 0, n >= 4 else { return .infinity }
        func increment(_ i: Int) -> Double {
            let d = history[i] - history[i - 1]
            return monotone ? d : abs(d)
        }
        let previous = increment(n - 2)
        guard previous > 0 else { return .infinity }
        let earlier = increment(n - 3)
        guard earlier > 0 else { return .infinity }
        let rate = max(last / previous, previous / earlier)
        guard rate < 1 else { return .infinity }
        return last * rate / (1 - rate)
    }

    /// Whether a fit with this objective history has converged under this rule at `tolerance`
    /// (0 never converges: every iteration runs).
    func isSatisfied(history: [Double], tolerance: Double, monotone: Bool) -> Bool {
        guard tolerance > 0, history.count >= 2, let objective = history.last else { return false }
        switch self {
        case .estimatedGap:
            return Self.estimatedGap(history: history, monotone: monotone) <= tolerance * max(1, abs(objective))
        case .objectiveChange:
            return abs(objective - history[history.count - 2]) < tolerance
        }
    }
}

/// The structure of the components' covariance matrices in a Gaussian mixture.
///
/// With `d` dimensions and `K` components, the free covariance parameters are
/// `K·d(d+1)/2` (full), `K·d` (diagonal), `K` (spherical) and `d(d+1)/2` (tied).
public enum CovarianceType: String, Sendable, CaseIterable, Codable {
    /// Each component has its own unrestricted covariance matrix.
    case full
    /// Each component has its own diagonal covariance (independent coordinates).
    case diagonal
    /// Each component has its own variance, the same in every direction: `σₖ² I`.
    case spherical
    /// All components share one unrestricted covariance matrix.
    case tied

    /// The number of free covariance parameters for `componentCount` components in `dimension` dimensions.
    public func parameterCount(componentCount k: Int, dimension d: Int) -> Int {
        switch self {
        case .full: return k * d * (d + 1) / 2
        case .diagonal: return k * d
        case .spherical: return k
        case .tied: return d * (d + 1) / 2
        }
    }

    /// What part of the responsibility-weighted scatter the M-step needs.
    var scatterShape: GaussianMoments.ScatterShape {
        switch self {
        case .full, .tied: return .full
        case .diagonal, .spherical: return .diagonal
        }
    }

    /// Whether the E-step uses a triangular precision factor (else a diagonal one).
    var hasTriangularFactor: Bool { self == .full || self == .tied }
}

/// The structure of the components' covariance matrices in a Gaussian mixture.
///
/// With `d` dimensions and `K` components, the free covariance parameters are
/// `K·d(d+1)/2` (full), `K·d` (diagonal), `K` (spherical) and `d(d+1)/2` (tied). Each case is
/// implemented by one `CovarianceStructure` in `Sources/EMKit/Families/Gaussian/Covariance/`.
public enum CovarianceType: String, Sendable, CaseIterable, Codable {
    /// Each component has its own unrestricted covariance matrix.
    case full
    /// Each component has its own diagonal covariance (independent coordinates).
    case diagonal
    /// Each component has its own variance, the same in every direction: `σₖ² I`.
    case spherical
    /// All components share one unrestricted covariance matrix.
    case tied

    /// The type that stores, factorises and estimates covariances of this structure.
    var structure: any CovarianceStructure.Type {
        switch self {
        case .full: return FullCovariance.self
        case .diagonal: return DiagonalCovariance.self
        case .spherical: return SphericalCovariance.self
        case .tied: return TiedCovariance.self
        }
    }

    /// The number of free covariance parameters for `componentCount` components in `dimension` dimensions.
    public func parameterCount(componentCount k: Int, dimension d: Int) -> Int {
        structure.freeParameterCount(componentCount: k, dimension: d)
    }

    /// What part of the responsibility-weighted scatter the M-step needs.
    var scatterShape: GaussianMoments.ScatterShape { structure.scatterShape }

    /// Whether the E-step uses a triangular precision factor (else a diagonal one).
    var hasTriangularFactor: Bool {
        if case .triangular = structure.factorLayout { return true }
        return false
    }
}

/// The Cholesky factorisation `A = L Lᵀ` of a symmetric positive-definite matrix.
///
/// Hand-written rather than taken from LAPACK: the matrices EM factorises are small
/// (the data's dimension, typically under 100), one per component per iteration, and
/// a dependency on a system LAPACK would cost every user an install step for no speed.
public struct Cholesky: Sendable {
    /// The dimension `n` of the factorised matrix.
    public let dimension: Int
    /// The lower-triangular factor `L`, row-major `n × n`, zero above the diagonal.
    public let lower: [Double]

    /// Factorises the symmetric matrix `matrix` (row-major `n × n`; only its lower triangle is read).
    ///
    /// Returns `nil` when the matrix is not numerically positive definite: a pivot is not
    /// strictly positive or not finite.
    ///
    /// - Complexity: O(n³ / 3).
    public init?(symmetric matrix: [Double], dimension n: Int) {
        precondition(matrix.count == n * n, "Cholesky: matrix has \(matrix.count) elements, expected \(n * n)")
        var l = [Double](repeating: 0, count: n * n)
        for j in 0..<n {
            var pivot = matrix[j * n + j]
            for k in 0..<j { pivot -= l[j * n + k] * l[j * n + k] }
            guard pivot > 0, pivot.isFinite else { return nil }
            let diagonal = pivot.squareRoot()
            l[j * n + j] = diagonal
            for i in (j + 1)..<max(n, j + 1) {
                var s = matrix[i * n + j]
                for k in 0..<j { s -= l[i * n + k] * l[j * n + k] }
                l[i * n + j] = s / diagonal
            }
        }
        self.dimension = n
        self.lower = l
    }

    /// `log det A = 2 Σᵢ log Lᵢᵢ`.
    public var logDeterminant: Double {
        var s = 0.0
        for i in 0..<dimension { s += _log(lower[i * dimension + i]) }
        return 2 * s
    }

    /// The upper-triangular `U = L⁻ᵀ`, so that `A⁻¹ = U Uᵀ`; row-major `n × n`.
    ///
    /// When `A` is a covariance matrix, `U` is the Cholesky factor of the precision matrix
    /// used by the E-step: the squared Mahalanobis distance of `x` is `‖(x − μ)ᵀ U‖²`,
    /// and `log det A⁻¹ / 2 = Σᵢ log Uᵢᵢ`. Computed by forward substitution, never by
    /// forming `A⁻¹`.
    public var inverseTransposed: [Double] {
        transposed(lowerTriangularInverse(lower, dimension: dimension), dimension: dimension)
    }
}

/// `L⁻¹` for a lower-triangular `L` with a non-zero diagonal (row-major `n × n`), by forward
/// substitution column by column; the result is lower triangular.
func lowerTriangularInverse(_ l: [Double], dimension n: Int) -> [Double] {
    var inverse = [Double](repeating: 0, count: n * n)
    for column in 0..<n {
        for i in column..<n {
            var s = i == column ? 1.0 : 0.0
            for k in column..<i { s -= l[i * n + k] * inverse[k * n + column] }
            inverse[i * n + column] = s / l[i * n + i]
        }
    }
    return inverse
}

/// The transpose of a row-major `n × n` matrix.
func transposed(_ a: [Double], dimension n: Int) -> [Double] {
    var result = [Double](repeating: 0, count: n * n)
    for i in 0..<n { for j in 0..<n { result[j * n + i] = a[i * n + j] } }
    return result
}

extension Matrix {
    /// Checks that this is a finite, symmetric (to 1e-10), positive-definite `d × d` matrix, as
    /// a covariance or a prior's scale must be.
    ///
    /// - Throws: `EMError.invalidParameter` under `name`.
    func checkCovariance(dimension d: Int, name: String) throws {
        let problem: String?
        if rowCount != d || columnCount != d {
            problem = "a \(rowCount)×\(columnCount) matrix"
        } else if !isFinite {
            problem = "a matrix with a value that is not finite"
        } else if asymmetry > 1e-10 {
            problem = "a matrix that is not symmetric"
        } else if Cholesky(symmetric: elements, dimension: d) == nil {
            problem = "a matrix that is not positive definite"
        } else {
            problem = nil
        }
        if let problem {
            throw EMError.invalidParameter(name: name, value: problem, expected: "a symmetric positive-definite \(d)×\(d) matrix")
        }
    }
}

extension Cholesky {
    /// The lower factor `L` of a covariance `Σ = L Lᵀ` (row-major `n × n`) for drawing samples
    /// `μ + L z`: the Cholesky factor, or, if rounding makes a validated covariance fail to
    /// factorise, the square roots of its diagonal (negative values read as 0).
    static func samplingFactor(ofCovariance sigma: [Double], dimension n: Int) -> [Double] {
        Cholesky(symmetric: sigma, dimension: n)?.lower
            ?? (0..<(n * n)).map { $0 % (n + 1) == 0 ? max(0, sigma[$0]).squareRoot() : 0 }
    }
}

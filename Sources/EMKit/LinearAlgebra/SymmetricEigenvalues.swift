extension Matrix {
    /// The eigenvalues of this symmetric matrix, ascending, by the cyclic Jacobi method.
    ///
    /// Hand-written because EMKit links no LAPACK: it is called once per component after a fit
    /// (to tell whether a covariance sits at the regularisation floor), on matrices of a few
    /// dozen rows, where Jacobi's O(d³) sweeps are instant and accurate to rounding.
    ///
    /// - Precondition: the matrix is square; only its upper triangle is read.
    public func symmetricEigenvalues() -> [Double] {
        precondition(rowCount == columnCount, "eigenvalues of a \(rowCount)×\(columnCount) matrix")
        let n = rowCount
        var a = self
        for i in 0..<n { for j in (i + 1)..<max(i + 1, n) { a[j, i] = a[i, j] } }
        for _ in 0..<100 {
            var offDiagonal = 0.0
            for i in 0..<n { for j in (i + 1)..<max(i + 1, n) { offDiagonal += a[i, j] * a[i, j] } }
            var scale = 0.0
            for i in 0..<n { scale += a[i, i] * a[i, i] }
            if offDiagonal <= 1e-30 * scale || offDiagonal == 0 { break }
            for p in 0..<n {
                for q in (p + 1)..<max(p + 1, n) where a[p, q] != 0 {
                    // The rotation that zeroes a[p, q] (Golub & Van Loan, algorithm 8.5.1).
                    let theta = (a[q, q] - a[p, p]) / (2 * a[p, q])
                    let t = (theta >= 0 ? 1 : -1) / (abs(theta) + (theta * theta + 1).squareRoot())
                    let c = 1 / (t * t + 1).squareRoot()
                    let s = t * c
                    for k in 0..<n {
                        let akp = a[k, p]
                        let akq = a[k, q]
                        a[k, p] = c * akp - s * akq
                        a[k, q] = s * akp + c * akq
                    }
                    for k in 0..<n {
                        let apk = a[p, k]
                        let aqk = a[q, k]
                        a[p, k] = c * apk - s * aqk
                        a[q, k] = s * apk + c * aqk
                    }
                }
            }
        }
        return (0..<n).map { a[$0, $0] }.sorted()
    }
}

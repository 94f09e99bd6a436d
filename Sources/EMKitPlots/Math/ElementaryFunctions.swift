#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#elseif canImport(ucrt)
import ucrt
#endif

// The C library's elementary functions under names that cannot clash with local variables
// (`exp`, `log` and `pow` are natural names for values in plotting code).

/// eˣ.
@inline(__always) func exponential(_ x: Double) -> Double { exp(x) }
/// The natural logarithm of `x`.
@inline(__always) func naturalLogarithm(_ x: Double) -> Double { log(x) }
/// The base-10 logarithm of `x`.
@inline(__always) func decimalLogarithm(_ x: Double) -> Double { log10(x) }

/// 10ⁿ, exact for |n| ≤ 22 (the powers of ten a `Double` represents exactly).
func powerOfTen(_ exponent: Int) -> Double {
    var result = 1.0
    for _ in 0..<abs(exponent) { result *= 10 }
    return exponent >= 0 ? result : 1 / result
}

/// 2π.
let twoPi = 6.283185307179586476925286766559

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#elseif canImport(ucrt)
import ucrt
#endif

// The C library's elementary functions under names that do not clash with EMKit's own
// identifiers (`log`, `exp` are common parameter and property names in this code base).

@inline(__always) @usableFromInline func _log(_ x: Double) -> Double { log(x) }
@inline(__always) @usableFromInline func _exp(_ x: Double) -> Double { exp(x) }
@inline(__always) @usableFromInline func _log1p(_ x: Double) -> Double { log1p(x) }
@inline(__always) @usableFromInline func _lgamma(_ x: Double) -> Double { lgamma(x) }
@inline(__always) @usableFromInline func _pow(_ x: Double, _ y: Double) -> Double { pow(x, y) }

/// `log(2π)`.
@usableFromInline let logTwoPi = 1.8378770664093454835606594728112352797227949472755668

/// The digamma function ψ(x) = d/dx log Γ(x) for x > 0: the recurrence ψ(x) = ψ(x + 1) − 1/x
/// up to x ≥ 20, then the asymptotic series (truncation error below 1e-17 there).
func digamma(_ x: Double) -> Double {
    var value = 0.0
    var y = x
    while y < 20 {
        value -= 1 / y
        y += 1
    }
    let inverse = 1 / y
    let inverse2 = inverse * inverse
    let series = inverse2 * (1.0 / 12 - inverse2 * (1.0 / 120 - inverse2 * (1.0 / 252 - inverse2 * (1.0 / 240 - inverse2 * (1.0 / 132)))))
    return value + _log(y) - inverse / 2 - series
}

/// The trigamma function ψ′(x) = d²/dx² log Γ(x) for x > 0: the recurrence ψ′(x) = ψ′(x + 1) + 1/x²
/// up to x ≥ 20, then the asymptotic series (truncation error below 1e-15 relative there).
func trigamma(_ x: Double) -> Double {
    var value = 0.0
    var y = x
    while y < 20 {
        value += 1 / (y * y)
        y += 1
    }
    let inverse = 1 / y
    let inverse2 = inverse * inverse
    let series = inverse * (1 + inverse / 2 + inverse2 * (1.0 / 6 - inverse2 * (1.0 / 30 - inverse2 * (1.0 / 42 - inverse2 / 30))))
    return value + series
}

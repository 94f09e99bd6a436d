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

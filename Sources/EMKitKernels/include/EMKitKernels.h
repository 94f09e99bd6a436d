#ifndef EMKIT_KERNELS_H
#define EMKIT_KERNELS_H

// The E-step's arithmetic kernels, in C so that they can be compiled for AVX2 and FMA and
// chosen at run time (Swift's default x86-64 build uses SSE2 only, and Swift never fuses a
// multiply and an add). Each kernel has a portable version; emk_kernels_use_avx2() tells which
// one runs. All arrays are row-major doubles; n is a row count, d the dimension.

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/// For each of the n rows x_b (row b at rows + b*d): dist[b] = ||(x_b - mu)^T U||^2, with U the
/// upper-triangular d×d precision Cholesky factor (entries below the diagonal must be zero).
/// scratch: emk_triangular_distances_scratch(d) doubles of work space.
void emk_triangular_distances(ptrdiff_t n, ptrdiff_t d, const double *rows, const double *mu,
                              const double *u, double *dist, double *scratch);

/// For each row: dist[b] = sum_j ((x_bj - mu_j) * f_j)^2 (diagonal precision factors f).
void emk_diagonal_distances(ptrdiff_t n, ptrdiff_t d, const double *rows, const double *mu,
                            const double *f, double *dist);

/// first[i] += sum_b r_b z_bi and second[i*d + j] += sum_b r_b z_bi z_bj for j >= i, with
/// z_b = x_b - shift. Rows with r_b == 0 are skipped. Entries with j < i are left unchanged.
/// scratch: emk_accumulate_full_scratch(d) doubles of work space.
void emk_accumulate_full(ptrdiff_t n, ptrdiff_t d, const double *rows, const double *shift,
                         const double *r, double *first, double *second, double *scratch);

/// first[i] += sum_b r_b z_bi and second[i] += sum_b r_b z_bi^2, with z_b = x_b - shift.
void emk_accumulate_diagonal(ptrdiff_t n, ptrdiff_t d, const double *rows, const double *shift,
                             const double *r, double *first, double *second);

/// The work space, in doubles, that emk_triangular_distances needs.
ptrdiff_t emk_triangular_distances_scratch(ptrdiff_t d);

/// The work space, in doubles, that emk_accumulate_full needs.
ptrdiff_t emk_accumulate_full_scratch(ptrdiff_t d);

/// Whether the AVX2+FMA versions run on this processor (decided once).
int emk_kernels_use_avx2(void);

#ifdef __cplusplus
}
#endif

#endif

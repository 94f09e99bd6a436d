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

/// first[i] += sum_b r_b z_bi and second[i*d + j] += sum_b r_b z_bi z_bj for j >= i, with
/// z_b = x_b - shift. Rows with r_b == 0 are skipped. Entries with j < i are left unchanged.
/// scratch: emk_accumulate_full_scratch(d) doubles of work space.
void emk_accumulate_full(ptrdiff_t n, ptrdiff_t d, const double *rows, const double *shift,
                         const double *r, double *first, double *second, double *scratch);

/// xt[j*n + b] = rows[b*d + j]: a block of n rows transposed to d × n.
void emk_transpose(ptrdiff_t n, ptrdiff_t d, const double *rows, double *xt);

/// For each row of a transposed block xt (d × n): dist[b] = sum_j ((x_bj - mu_j) * f_j)^2
/// (diagonal precision factors f).
void emk_diagonal_distances_transposed(ptrdiff_t n, ptrdiff_t d, const double *xt, const double *mu,
                                       const double *f, double *dist);

/// first[j] += sum_b r_b z_bj and second[j] += sum_b r_b z_bj^2, with z_b = x_b - shift, on a
/// transposed block xt (d × n); every row is added (r_b may be 0).
void emk_accumulate_diagonal_transposed(ptrdiff_t n, ptrdiff_t d, const double *xt, const double *shift,
                                        const double *r, double *first, double *second);

/// The E-step's normalisation for a block of n rows and k components. log_densities is
/// component-major (k × n): log pi_c + log f_c(x_b). Writes resp (k × n, component-major):
/// w_b * r_bc (soft) or w_b for the first most probable component and 0 elsewhere (hard), and
/// row_log_sums[b] = log sum_c exp(log_densities[c][b]). Adds sum_b resp[c][b] to
/// component_weights[c] and sum_b w_b to *weight_sum. weights may be NULL (all 1).
/// Returns sum_b w_b log p(x_b) (soft) or sum_b w_b max_c log_densities[c][b] (hard).
/// scratch: 2n doubles.
double emk_responsibilities(ptrdiff_t n, ptrdiff_t k, const double *log_densities, const double *weights,
                            int hard, double *resp, double *row_log_sums, double *component_weights,
                            double *weight_sum, double *scratch);

/// The scaled forward-backward pass of a hidden Markov model over one sequence of `length` steps
/// and `states` states. log_densities: length × states, log b_s(x_t). start: [states].
/// transitions: states × states, row-major. Writes posteriors (length × states, P(z_t = s | x))
/// and ADDS the expected transition counts to transition_counts (states × states). Returns
/// log p(x). scratch: emk_forward_backward_scratch(length, states) doubles.
double emk_forward_backward(ptrdiff_t length, ptrdiff_t states, const double *log_densities,
                            const double *start, const double *transitions, double *posteriors,
                            double *transition_counts, double *scratch);

/// The work space, in doubles, that emk_forward_backward needs.
ptrdiff_t emk_forward_backward_scratch(ptrdiff_t length, ptrdiff_t states);

/// The work space, in doubles, that emk_triangular_distances needs.
ptrdiff_t emk_triangular_distances_scratch(ptrdiff_t d);

/// The work space, in doubles, that emk_accumulate_full needs.
ptrdiff_t emk_accumulate_full_scratch(ptrdiff_t d);

/// Whether the AVX2+FMA versions run on the calling thread: the processor's answer (found once,
/// safe from any thread) unless the thread chose the portable versions.
int emk_kernels_use_avx2(void);

/// Makes the calling thread (and only it) run the portable versions (portable != 0), or the
/// automatic choice again (0), for tests and benchmarks that compare the two paths.
int emk_kernels_select_portable(int portable);

// Every kernel does nothing (and returns 0) for n, d, k, length or states below 1: callers
// check dimensions, and no kernel reads out of bounds if one does not.

#ifdef __cplusplus
}
#endif

#endif

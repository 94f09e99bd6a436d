// The E-step kernels. Each is written once, as a static inline body, and instantiated twice:
// portably and with __attribute__((target("avx2,fma"))), where the compiler vectorises the
// contiguous j loops four doubles wide and fuses multiply-adds. The public function picks the
// version once, by __builtin_cpu_supports, so the library runs on any x86-64 (and any other
// architecture, where only the portable version exists).

#include <pthread.h>
#include "EMKitKernels.h"

// The full-covariance kernels work on groups of LANES rows at a time, transposed so that the
// rows of a group sit side by side: every inner loop then has the fixed length LANES, which the
// compiler turns into a few vector operations held in registers, however small d is.
#define LANES 16

/// zt[i*LANES + l] = x_{g+l, i} - shift[i] for the rows of group g; rows past n are zero.
static inline __attribute__((always_inline)) void
centre_transposed(ptrdiff_t count, ptrdiff_t d, const double *restrict rows,
                  const double *restrict shift, double *restrict zt) {
    for (ptrdiff_t l = 0; l < LANES; l++) {
        if (l < count) {
            const double *x = rows + l * d;
            for (ptrdiff_t i = 0; i < d; i++) zt[i * LANES + l] = x[i] - shift[i];
        } else {
            for (ptrdiff_t i = 0; i < d; i++) zt[i * LANES + l] = 0;
        }
    }
}

static inline __attribute__((always_inline)) void
triangular_distances_body(ptrdiff_t n, ptrdiff_t d, const double *restrict rows,
                          const double *restrict mu, const double *restrict u,
                          double *restrict dist, double *restrict zt) {
    for (ptrdiff_t g = 0; g < n; g += LANES) {
        const ptrdiff_t count = n - g < LANES ? n - g : LANES;
        centre_transposed(count, d, rows + g * d, mu, zt);
        double out[LANES] = {0};
        // y_j = sum_{i <= j} z_i U_ij for all LANES rows at once; dist = sum_j y_j^2.
        for (ptrdiff_t j = 0; j < d; j++) {
            double y[LANES] = {0};
            for (ptrdiff_t i = 0; i <= j; i++) {
                const double uij = u[i * d + j];
                const double *zi = zt + i * LANES;
                for (int l = 0; l < LANES; l++) y[l] += zi[l] * uij;
            }
            for (int l = 0; l < LANES; l++) out[l] += y[l] * y[l];
        }
        for (ptrdiff_t l = 0; l < count; l++) dist[g + l] = out[l];
    }
}

// The scatter update is a small matrix product, S += (r ⊙ Z)ᵀ Z over a block of rows. It is
// computed by a register-tiled micro-kernel: a TILE_I × TILE_J tile of S stays in registers
// while the rows stream past, each row contributing TILE_I broadcasts, TILE_J/4 vector loads
// and TILE_I · TILE_J/4 fused multiply-adds. The dimension is padded with zeros to a multiple of
// TILE_J so that the tiles need no edge cases.
#define TILE_I 4
#define TILE_J 8
#define SCATTER_BLOCK 64

static inline __attribute__((always_inline)) void
accumulate_small(ptrdiff_t n, const int d, const double *restrict rows, const double *restrict shift,
                 const double *restrict r, double *restrict first, double *restrict second) {
    double f[4] = {0}, s2[16] = {0}, sh[4] = {0};
    for (int i = 0; i < d; i++) sh[i] = shift[i];
    for (ptrdiff_t b = 0; b < n; b++) {
        const double rb = r[b];
        const double *x = rows + b * d;
        double z[4];
        for (int i = 0; i < d; i++) z[i] = x[i] - sh[i];
        for (int i = 0; i < d; i++) {
            const double rz = rb * z[i];
            f[i] += rz;
            for (int j = i; j < d; j++) s2[i * 4 + j] += rz * z[j];
        }
    }
    for (int i = 0; i < d; i++) {
        first[i] += f[i];
        for (int j = i; j < d; j++) second[i * d + j] += s2[i * 4 + j];
    }
}

static inline ptrdiff_t padded_dimension(ptrdiff_t d) { return (d + TILE_J - 1) / TILE_J * TILE_J; }

static inline __attribute__((always_inline)) void
accumulate_full_body(ptrdiff_t n, ptrdiff_t d, const double *restrict rows,
                     const double *restrict shift, const double *restrict r,
                     double *restrict first, double *restrict second, double *restrict scratch) {
    if (d <= 4) {
        // Tiny dimensions: padding to TILE_J would waste most of the tile. Sums are kept in local
        // variables of a compile-time size, so they live in registers instead of carrying a
        // store-to-load dependency from row to row.
        switch (d) {
        case 1: accumulate_small(n, 1, rows, shift, r, first, second); return;
        case 2: accumulate_small(n, 2, rows, shift, r, first, second); return;
        case 3: accumulate_small(n, 3, rows, shift, r, first, second); return;
        default: accumulate_small(n, 4, rows, shift, r, first, second); return;
        }
    }
    const ptrdiff_t dp = padded_dimension(d);
    double *restrict z = scratch;                    // SCATTER_BLOCK × dp
    double *restrict wz = z + SCATTER_BLOCK * dp;    // SCATTER_BLOCK × dp
    double *restrict sums = wz + SCATTER_BLOCK * dp; // dp × dp, upper tiles
    for (ptrdiff_t i = 0; i < dp * dp; i++) sums[i] = 0;
    for (ptrdiff_t start = 0; start < n; start += SCATTER_BLOCK) {
        ptrdiff_t count = 0;
        for (ptrdiff_t b = start; b < n && b < start + SCATTER_BLOCK; b++) {
            const double rb = r[b];
            if (rb == 0) continue;
            const double *x = rows + b * d;
            double *zb = z + count * dp;
            double *wzb = wz + count * dp;
            for (ptrdiff_t i = 0; i < d; i++) {
                zb[i] = x[i] - shift[i];
                wzb[i] = rb * zb[i];
                first[i] += wzb[i];
            }
            for (ptrdiff_t i = d; i < dp; i++) zb[i] = wzb[i] = 0;
            count++;
        }
        for (ptrdiff_t i0 = 0; i0 < dp; i0 += TILE_I) {
            for (ptrdiff_t j0 = i0 / TILE_J * TILE_J; j0 < dp; j0 += TILE_J) {
                double acc[TILE_I][TILE_J] = {{0}};
                for (ptrdiff_t b = 0; b < count; b++) {
                    const double *zb = z + b * dp + j0;
                    const double *wzb = wz + b * dp + i0;
                    for (int ii = 0; ii < TILE_I; ii++) {
                        const double w = wzb[ii];
                        for (int jj = 0; jj < TILE_J; jj++) acc[ii][jj] += w * zb[jj];
                    }
                }
                for (int ii = 0; ii < TILE_I; ii++)
                    for (int jj = 0; jj < TILE_J; jj++) sums[(i0 + ii) * dp + j0 + jj] += acc[ii][jj];
            }
        }
    }
    for (ptrdiff_t i = 0; i < d; i++)
        for (ptrdiff_t j = i; j < d; j++) second[i * d + j] += sums[i * dp + j];
}

// ---- Diagonal and spherical covariances, on a transposed block (xt[j*n + b] = x_bj) ----

static inline __attribute__((always_inline)) void
diagonal_distances_t_body(ptrdiff_t n, ptrdiff_t d, const double *restrict xt,
                          const double *restrict mu, const double *restrict f,
                          double *restrict dist) {
    for (ptrdiff_t b = 0; b < n; b++) dist[b] = 0;
    for (ptrdiff_t j = 0; j < d; j++) {
        const double m = mu[j], fj = f[j];
        const double *xj = xt + j * n;
        for (ptrdiff_t b = 0; b < n; b++) {
            const double t = (xj[b] - m) * fj;
            dist[b] += t * t;
        }
    }
}

static inline __attribute__((always_inline)) void
accumulate_diagonal_t_body(ptrdiff_t n, ptrdiff_t d, const double *restrict xt,
                           const double *restrict shift, const double *restrict r,
                           double *restrict first, double *restrict second) {
    const ptrdiff_t whole = n / LANES * LANES;
    for (ptrdiff_t j = 0; j < d; j++) {
        const double s = shift[j];
        const double *xj = xt + j * n;
        double a1[LANES] = {0}, a2[LANES] = {0};
        for (ptrdiff_t b = 0; b < whole; b += LANES) {
            for (int l = 0; l < LANES; l++) {
                const double z = xj[b + l] - s;
                const double rz = r[b + l] * z;
                a1[l] += rz;
                a2[l] += rz * z;
            }
        }
        double t1 = 0, t2 = 0;
        for (ptrdiff_t b = whole; b < n; b++) {
            const double z = xj[b] - s;
            t1 += r[b] * z;
            t2 += r[b] * z * z;
        }
        for (int l = 0; l < LANES; l++) {
            t1 += a1[l];
            t2 += a2[l];
        }
        first[j] += t1;
        second[j] += t2;
    }
}

// ---- Responsibilities ----

// exp(x) for x <= 0 (arguments below -708 are treated as -708, whose exponential, 3e-308, is
// negligible against the row's largest term, which is exp(0) = 1). Cody–Waite reduction
// x = k ln 2 + r, |r| <= ln2/2, then a degree-13 Taylor polynomial (truncation error < 1e-17
// relative) and 2^k assembled in the exponent bits: branch-free, so the compiler vectorises it.
static inline __attribute__((always_inline)) double exp_nonpositive(double x) {
    x = x < -708.0 ? -708.0 : x;
    const double k = __builtin_rint(x * 1.4426950408889634);
    const double r = (x - k * 0.6931471803691238) - k * 1.9082149292705877e-10;
    double p = 1.0 / 6227020800.0;
    p = p * r + 1.0 / 479001600.0;
    p = p * r + 1.0 / 39916800.0;
    p = p * r + 1.0 / 3628800.0;
    p = p * r + 1.0 / 362880.0;
    p = p * r + 1.0 / 40320.0;
    p = p * r + 1.0 / 5040.0;
    p = p * r + 1.0 / 720.0;
    p = p * r + 1.0 / 120.0;
    p = p * r + 1.0 / 24.0;
    p = p * r + 1.0 / 6.0;
    p = p * r + 0.5;
    p = p * r + 1.0;
    p = p * r + 1.0;
    // 2^k without a double-to-integer conversion (which AVX2 lacks): adding 1.5 · 2^52 leaves k
    // in the low bits of the sum's representation; k + 1023 shifted into the exponent field.
    const double shifted = k + 6755399441055744.0;
    unsigned long long bits;
    __builtin_memcpy(&bits, &shifted, sizeof bits);
    bits = (bits + 1023) << 52;
    double scale;
    __builtin_memcpy(&scale, &bits, sizeof scale);
    return p * scale;
}

static inline __attribute__((always_inline)) double
responsibilities_body(ptrdiff_t n, ptrdiff_t k, const double *restrict log_densities,
                      const double *restrict weights, int hard, double *restrict resp,
                      double *restrict row_log_sums, double *restrict component_weights,
                      double *restrict weight_sum, double *restrict best /* n */,
                      double *restrict sums /* n */) {
    for (ptrdiff_t b = 0; b < n; b++) {
        best[b] = log_densities[b];
        sums[b] = 0;
    }
    for (ptrdiff_t c = 1; c < k; c++) {
        const double *lc = log_densities + c * n;
        for (ptrdiff_t b = 0; b < n; b++) best[b] = lc[b] > best[b] ? lc[b] : best[b];
    }
    for (ptrdiff_t c = 0; c < k; c++) {
        const double *lc = log_densities + c * n;
        double *rc = resp + c * n;
        for (ptrdiff_t b = 0; b < n; b++) {
            const double e = exp_nonpositive(lc[b] - best[b]);
            rc[b] = e;
            sums[b] += e;
        }
    }
    double log_likelihood = 0, total = 0;
    for (ptrdiff_t b = 0; b < n; b++) {
        const double w = weights ? weights[b] : 1.0;
        const double log_sum = best[b] + __builtin_log(sums[b]);
        row_log_sums[b] = log_sum;
        total += w;
        log_likelihood += w == 0 ? 0 : w * (hard ? best[b] : log_sum);
        sums[b] = w / sums[b];  // now the factor turning exp(l - max) into w * responsibility
    }
    if (hard) {
        // The first component attaining the maximum takes the row.
        for (ptrdiff_t b = 0; b < n; b++) {
            const double w = weights ? weights[b] : 1.0;
            int taken = 0;
            for (ptrdiff_t c = 0; c < k; c++) {
                const int here = !taken && log_densities[c * n + b] == best[b];
                resp[c * n + b] = here ? w : 0;
                taken |= here;
            }
        }
    } else {
        for (ptrdiff_t c = 0; c < k; c++) {
            double *rc = resp + c * n;
            for (ptrdiff_t b = 0; b < n; b++) rc[b] *= sums[b];
        }
    }
    for (ptrdiff_t c = 0; c < k; c++) {
        const double *rc = resp + c * n;
        double s = 0;
        for (ptrdiff_t b = 0; b < n; b++) s += rc[b];
        component_weights[c] += s;
    }
    *weight_sum += total;
    return log_likelihood;
}

// ---- Scaled forward-backward for hidden Markov models (Rabiner 1989, section V.A) ----

static inline __attribute__((always_inline)) double
forward_backward_body(ptrdiff_t t_len, ptrdiff_t s, const double *restrict log_b,
                      const double *restrict start, const double *restrict a,
                      double *restrict gamma, double *restrict xi, double *restrict scratch) {
    // scratch: b (T*S), alpha (T*S), beta (T*S), scales (T), tmp (S)
    double *restrict b = scratch;
    double *restrict alpha = b + t_len * s;
    double *restrict beta = alpha + t_len * s;
    double *restrict scales = beta + t_len * s;
    double *restrict tmp = scales + t_len;
    double log_likelihood = 0;
    // The scales' product is kept as a number and logged only when it nears the end of the
    // double range: one logarithm per few hundred steps instead of one per step.
    double product = 1;
    for (ptrdiff_t t = 0; t < t_len; t++) {
        const double *lb = log_b + t * s;
        double m = lb[0];
        for (ptrdiff_t c = 1; c < s; c++) m = lb[c] > m ? lb[c] : m;
        for (ptrdiff_t c = 0; c < s; c++) b[t * s + c] = exp_nonpositive(lb[c] - m);
        log_likelihood += m;
    }
    for (ptrdiff_t t = 0; t < t_len; t++) {
        double total = 0;
        double *at = alpha + t * s;
        const double *bt = b + t * s;
        if (t == 0) {
            for (ptrdiff_t c = 0; c < s; c++) at[c] = start[c] * bt[c];
        } else {
            const double *prev = at - s;
            for (ptrdiff_t c = 0; c < s; c++) at[c] = 0;
            for (ptrdiff_t p = 0; p < s; p++) {
                const double ap = prev[p];
                const double *row = a + p * s;
                for (ptrdiff_t c = 0; c < s; c++) at[c] += ap * row[c];
            }
            for (ptrdiff_t c = 0; c < s; c++) at[c] *= bt[c];
        }
        for (ptrdiff_t c = 0; c < s; c++) total += at[c];
        scales[t] = total;
        if (total > 0) {
            const double inverse = 1.0 / total;
            for (ptrdiff_t c = 0; c < s; c++) at[c] *= inverse;
        }
        product *= total;
        if (!(product > 1e-250 && product < 1e250)) {
            log_likelihood += __builtin_log(product);
            product = 1;
        }
    }
    log_likelihood += __builtin_log(product);
    for (ptrdiff_t c = 0; c < s; c++) beta[(t_len - 1) * s + c] = 1;
    for (ptrdiff_t t = t_len - 2; t >= 0; t--) {
        const double scale = scales[t + 1];
        const double inverse = scale > 0 ? 1.0 / scale : 0;
        const double *b1 = b + (t + 1) * s;
        const double *beta1 = beta + (t + 1) * s;
        for (ptrdiff_t c = 0; c < s; c++) tmp[c] = b1[c] * beta1[c];
        const double *at = alpha + t * s;
        double *bt = beta + t * s;
        for (ptrdiff_t p = 0; p < s; p++) {
            const double *row = a + p * s;
            double value = 0;
            for (ptrdiff_t c = 0; c < s; c++) value += row[c] * tmp[c];
            bt[p] = value * inverse;
            // xi_t(p, c) = alpha_t(p) A_pc b_{t+1}(c) beta_{t+1}(c) / c_{t+1}
            const double ap = at[p] * inverse;
            double *xp = xi + p * s;
            for (ptrdiff_t c = 0; c < s; c++) xp[c] += ap * row[c] * tmp[c];
        }
    }
    for (ptrdiff_t t = 0; t < t_len; t++) {
        double total = 0;
        for (ptrdiff_t c = 0; c < s; c++) {
            gamma[t * s + c] = alpha[t * s + c] * beta[t * s + c];
            total += gamma[t * s + c];
        }
        if (total > 0) {
            const double inverse = 1.0 / total;
            for (ptrdiff_t c = 0; c < s; c++) gamma[t * s + c] *= inverse;
        }
    }
    return log_likelihood;
}

// Small state counts are by far the common case; with the count a compile-time constant the
// per-step loops unroll and alpha, beta and the transition rows stay in registers.
static inline __attribute__((always_inline)) double
forward_backward_specialised(ptrdiff_t t_len, ptrdiff_t s, const double *restrict log_b,
                             const double *restrict start, const double *restrict a,
                             double *restrict gamma, double *restrict xi, double *restrict scratch) {
    switch (s) {
    case 2: return forward_backward_body(t_len, 2, log_b, start, a, gamma, xi, scratch);
    case 3: return forward_backward_body(t_len, 3, log_b, start, a, gamma, xi, scratch);
    case 4: return forward_backward_body(t_len, 4, log_b, start, a, gamma, xi, scratch);
    case 5: return forward_backward_body(t_len, 5, log_b, start, a, gamma, xi, scratch);
    case 6: return forward_backward_body(t_len, 6, log_b, start, a, gamma, xi, scratch);
    case 8: return forward_backward_body(t_len, 8, log_b, start, a, gamma, xi, scratch);
    default: return forward_backward_body(t_len, s, log_b, start, a, gamma, xi, scratch);
    }
}

#define EMK_INSTANTIATE(SUFFIX, ATTRIBUTES)                                                      \
    static ATTRIBUTES void triangular_distances_##SUFFIX(                                        \
        ptrdiff_t n, ptrdiff_t d, const double *rows, const double *mu, const double *u,         \
        double *dist, double *zt) {                                                              \
        triangular_distances_body(n, d, rows, mu, u, dist, zt);                                  \
    }                                                                                            \
    static ATTRIBUTES void accumulate_full_##SUFFIX(ptrdiff_t n, ptrdiff_t d, const double *rows, \
                                                    const double *shift, const double *r,        \
                                                    double *first, double *second, double *z) {  \
        accumulate_full_body(n, d, rows, shift, r, first, second, z);                            \
    }                                                                                            \
    static ATTRIBUTES void diagonal_distances_t_##SUFFIX(                                        \
        ptrdiff_t n, ptrdiff_t d, const double *xt, const double *mu, const double *f,           \
        double *dist) {                                                                          \
        diagonal_distances_t_body(n, d, xt, mu, f, dist);                                        \
    }                                                                                            \
    static ATTRIBUTES void accumulate_diagonal_t_##SUFFIX(                                       \
        ptrdiff_t n, ptrdiff_t d, const double *xt, const double *shift, const double *r,        \
        double *first, double *second) {                                                         \
        accumulate_diagonal_t_body(n, d, xt, shift, r, first, second);                           \
    }                                                                                            \
    static ATTRIBUTES double forward_backward_##SUFFIX(                                          \
        ptrdiff_t t, ptrdiff_t s, const double *lb, const double *start, const double *a,        \
        double *gamma, double *xi, double *scratch) {                                            \
        return forward_backward_specialised(t, s, lb, start, a, gamma, xi, scratch);             \
    }                                                                                            \
    static ATTRIBUTES double responsibilities_##SUFFIX(                                          \
        ptrdiff_t n, ptrdiff_t k, const double *l, const double *w, int hard, double *resp,      \
        double *sums_out, double *cw, double *ws, double *best, double *sums) {                  \
        return responsibilities_body(n, k, l, w, hard, resp, sums_out, cw, ws, best, sums);      \
    }

EMK_INSTANTIATE(portable, )

#if defined(__x86_64__) || defined(__i386__)
EMK_INSTANTIATE(avx2, __attribute__((target("avx2,fma"))))

// The processor's answer, found once (pthread_once makes it safe to ask from any thread and
// publishes it to all of them); and a per-thread override, so that a test comparing the paths
// changes only the thread it runs on.
static pthread_once_t emk_detection = PTHREAD_ONCE_INIT;
static int emk_processor_has_avx2 = 0;
static _Thread_local int emk_thread_portable = 0;

static void emk_detect(void) {
    __builtin_cpu_init();
    emk_processor_has_avx2 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
}

int emk_kernels_use_avx2(void) {
    if (emk_thread_portable) return 0;
    pthread_once(&emk_detection, emk_detect);
    return emk_processor_has_avx2;
}

int emk_kernels_select_portable(int portable) {
    emk_thread_portable = portable != 0;
    return 1;
}
#define EMK_DISPATCH(NAME, ...)                                                                  \
    do {                                                                                         \
        if (emk_kernels_use_avx2()) NAME##_avx2(__VA_ARGS__);                                    \
        else NAME##_portable(__VA_ARGS__);                                                       \
    } while (0)
#define EMK_DISPATCH_RETURN(NAME, ...)                                                           \
    return emk_kernels_use_avx2() ? NAME##_avx2(__VA_ARGS__) : NAME##_portable(__VA_ARGS__)
#else
int emk_kernels_use_avx2(void) { return 0; }
int emk_kernels_select_portable(int portable) { (void)portable; return 1; }
#define EMK_DISPATCH(NAME, ...) NAME##_portable(__VA_ARGS__)
#define EMK_DISPATCH_RETURN(NAME, ...) return NAME##_portable(__VA_ARGS__)
#endif

void emk_triangular_distances(ptrdiff_t n, ptrdiff_t d, const double *rows, const double *mu,
                              const double *u, double *dist, double *scratch) {
    if (n <= 0 || d <= 0) return;
    EMK_DISPATCH(triangular_distances, n, d, rows, mu, u, dist, scratch);
}

void emk_accumulate_full(ptrdiff_t n, ptrdiff_t d, const double *rows, const double *shift,
                         const double *r, double *first, double *second, double *scratch) {
    if (n <= 0 || d <= 0) return;
    EMK_DISPATCH(accumulate_full, n, d, rows, shift, r, first, second, scratch);
}

void emk_transpose(ptrdiff_t n, ptrdiff_t d, const double *rows, double *xt) {
    if (n <= 0 || d <= 0) return;
    for (ptrdiff_t b = 0; b < n; b++)
        for (ptrdiff_t j = 0; j < d; j++) xt[j * n + b] = rows[b * d + j];
}

void emk_diagonal_distances_transposed(ptrdiff_t n, ptrdiff_t d, const double *xt, const double *mu,
                                       const double *f, double *dist) {
    if (n <= 0 || d <= 0) return;
    EMK_DISPATCH(diagonal_distances_t, n, d, xt, mu, f, dist);
}

void emk_accumulate_diagonal_transposed(ptrdiff_t n, ptrdiff_t d, const double *xt, const double *shift,
                                        const double *r, double *first, double *second) {
    if (n <= 0 || d <= 0) return;
    EMK_DISPATCH(accumulate_diagonal_t, n, d, xt, shift, r, first, second);
}

double emk_responsibilities(ptrdiff_t n, ptrdiff_t k, const double *log_densities, const double *weights,
                            int hard, double *resp, double *row_log_sums, double *component_weights,
                            double *weight_sum, double *scratch) {
    if (n <= 0 || k <= 0) return 0;
    EMK_DISPATCH_RETURN(responsibilities, n, k, log_densities, weights, hard, resp, row_log_sums,
                        component_weights, weight_sum, scratch, scratch + n);
}

double emk_forward_backward(ptrdiff_t length, ptrdiff_t states, const double *log_densities,
                            const double *start, const double *transitions, double *posteriors,
                            double *transition_counts, double *scratch) {
    if (length <= 0 || states <= 0) return 0;
    EMK_DISPATCH_RETURN(forward_backward, length, states, log_densities, start, transitions, posteriors,
                        transition_counts, scratch);
}

ptrdiff_t emk_forward_backward_scratch(ptrdiff_t length, ptrdiff_t states) {
    return 3 * length * states + length + states;
}

ptrdiff_t emk_triangular_distances_scratch(ptrdiff_t d) { return d * LANES; }

ptrdiff_t emk_accumulate_full_scratch(ptrdiff_t d) {
    const ptrdiff_t dp = padded_dimension(d);
    return 2 * SCATTER_BLOCK * dp + dp * dp;
}

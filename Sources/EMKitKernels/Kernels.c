// The E-step kernels. Each is written once, as a static inline body, and instantiated twice:
// portably and with __attribute__((target("avx2,fma"))), where the compiler vectorises the
// contiguous j loops four doubles wide and fuses multiply-adds. The public function picks the
// version once, by __builtin_cpu_supports, so the library runs on any x86-64 (and any other
// architecture, where only the portable version exists).

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

static inline __attribute__((always_inline)) void
diagonal_distances_body(ptrdiff_t n, ptrdiff_t d, const double *restrict rows,
                        const double *restrict mu, const double *restrict f,
                        double *restrict dist) {
    for (ptrdiff_t b = 0; b < n; b++) {
        const double *x = rows + b * d;
        double s = 0;
        for (ptrdiff_t j = 0; j < d; j++) {
            const double t = (x[j] - mu[j]) * f[j];
            s += t * t;
        }
        dist[b] = s;
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

static inline ptrdiff_t padded_dimension(ptrdiff_t d) { return (d + TILE_J - 1) / TILE_J * TILE_J; }

static inline __attribute__((always_inline)) void
accumulate_full_body(ptrdiff_t n, ptrdiff_t d, const double *restrict rows,
                     const double *restrict shift, const double *restrict r,
                     double *restrict first, double *restrict second, double *restrict scratch) {
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

static inline __attribute__((always_inline)) void
accumulate_diagonal_body(ptrdiff_t n, ptrdiff_t d, const double *restrict rows,
                         const double *restrict shift, const double *restrict r,
                         double *restrict first, double *restrict second) {
    for (ptrdiff_t b = 0; b < n; b++) {
        const double rb = r[b];
        if (rb == 0) continue;
        const double *x = rows + b * d;
        for (ptrdiff_t j = 0; j < d; j++) {
            const double z = x[j] - shift[j];
            const double rz = rb * z;
            first[j] += rz;
            second[j] += rz * z;
        }
    }
}

#define EMK_INSTANTIATE(SUFFIX, ATTRIBUTES)                                                      \
    static ATTRIBUTES void triangular_distances_##SUFFIX(                                        \
        ptrdiff_t n, ptrdiff_t d, const double *rows, const double *mu, const double *u,         \
        double *dist, double *zt) {                                                              \
        triangular_distances_body(n, d, rows, mu, u, dist, zt);                                  \
    }                                                                                            \
    static ATTRIBUTES void diagonal_distances_##SUFFIX(                                          \
        ptrdiff_t n, ptrdiff_t d, const double *rows, const double *mu, const double *f,         \
        double *dist) {                                                                          \
        diagonal_distances_body(n, d, rows, mu, f, dist);                                        \
    }                                                                                            \
    static ATTRIBUTES void accumulate_full_##SUFFIX(ptrdiff_t n, ptrdiff_t d, const double *rows, \
                                                    const double *shift, const double *r,        \
                                                    double *first, double *second, double *z) {  \
        accumulate_full_body(n, d, rows, shift, r, first, second, z);                            \
    }                                                                                            \
    static ATTRIBUTES void accumulate_diagonal_##SUFFIX(                                         \
        ptrdiff_t n, ptrdiff_t d, const double *rows, const double *shift, const double *r,      \
        double *first, double *second) {                                                         \
        accumulate_diagonal_body(n, d, rows, shift, r, first, second);                           \
    }

EMK_INSTANTIATE(portable, )

#if defined(__x86_64__) || defined(__i386__)
EMK_INSTANTIATE(avx2, __attribute__((target("avx2,fma"))))

int emk_kernels_use_avx2(void) {
    static int decided = -1;
    if (decided < 0) {
        __builtin_cpu_init();
        decided = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    }
    return decided;
}
#define EMK_DISPATCH(NAME, ...)                                                                  \
    do {                                                                                         \
        if (emk_kernels_use_avx2()) NAME##_avx2(__VA_ARGS__);                                    \
        else NAME##_portable(__VA_ARGS__);                                                       \
    } while (0)
#else
int emk_kernels_use_avx2(void) { return 0; }
#define EMK_DISPATCH(NAME, ...) NAME##_portable(__VA_ARGS__)
#endif

void emk_triangular_distances(ptrdiff_t n, ptrdiff_t d, const double *rows, const double *mu,
                              const double *u, double *dist, double *scratch) {
    EMK_DISPATCH(triangular_distances, n, d, rows, mu, u, dist, scratch);
}

void emk_diagonal_distances(ptrdiff_t n, ptrdiff_t d, const double *rows, const double *mu,
                            const double *f, double *dist) {
    EMK_DISPATCH(diagonal_distances, n, d, rows, mu, f, dist);
}

void emk_accumulate_full(ptrdiff_t n, ptrdiff_t d, const double *rows, const double *shift,
                         const double *r, double *first, double *second, double *scratch) {
    EMK_DISPATCH(accumulate_full, n, d, rows, shift, r, first, second, scratch);
}

void emk_accumulate_diagonal(ptrdiff_t n, ptrdiff_t d, const double *rows, const double *shift,
                             const double *r, double *first, double *second) {
    EMK_DISPATCH(accumulate_diagonal, n, d, rows, shift, r, first, second);
}

ptrdiff_t emk_triangular_distances_scratch(ptrdiff_t d) { return d * LANES; }

ptrdiff_t emk_accumulate_full_scratch(ptrdiff_t d) {
    const ptrdiff_t dp = padded_dimension(d);
    return 2 * SCATTER_BLOCK * dp + dp * dp;
}

/* The official Soft-NMS loop (nms_cpu.cpp of ActionFormer / TriDet / CLTDR-GMG), one group
 * (row) at a time, for models/postprocess/soft_nms_native.py. Written from the behaviour in
 * tests/golden/reference/README.md section E and models/postprocess/soft_nms_core.py, which
 * computes the same loop vectorised in numpy; both give bit-identical results.
 *
 * Per row with n candidates (x1, x2, area = x2 - x1 + 1e-6, score, column), for step i:
 *   select the first maximum of score[i..n) (strict greater scan starting at i), swap it to i;
 *   for pos = i + 1 .. n - 1: score[pos] *= weight(IoU(i, pos)); an entry whose score falls
 *   below min_score is replaced by the current last entry (n -= 1), which is examined next.
 * Stops after max_num selections (later steps never change earlier ones).
 *
 * All arithmetic is float32 in the operand order of the C++ code; build without fast-math
 * and with -ffp-contract=off (no fused multiply-add).
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>

static float weight_of(float ovr, int method, float thr, float sigma) {
    if (method == 2) {
        float arg = -(ovr * ovr) / sigma;
        /* glibc's expf is the correctly rounded exp: exp in double, then one rounding */
        return (float)exp((double)arg);
    }
    if (method == 1) return ovr >= thr ? 1.0f - ovr : 1.0f;
    return ovr >= thr ? 0.0f : 1.0f;
}

/* data: x1, x2, score as [R, W] row-major float32; counts [R].
 * out_cols [R, K] (input columns in selection order), out_scores [R, K], out_num [R];
 * K = out_k. Returns 0, or -1 when memory runs out. */
int soft_nms_rows(const float *x1, const float *x2, const float *score, const int64_t *counts,
                  int64_t num_rows, int64_t width, float thr, float sigma, float min_score,
                  int method, int64_t out_k, int64_t *out_cols, float *out_scores,
                  int64_t *out_num) {
    float *bx1 = malloc(sizeof(float) * (size_t)(width > 0 ? width : 1));
    float *bx2 = malloc(sizeof(float) * (size_t)(width > 0 ? width : 1));
    float *area = malloc(sizeof(float) * (size_t)(width > 0 ? width : 1));
    float *sc = malloc(sizeof(float) * (size_t)(width > 0 ? width : 1));
    int64_t *col = malloc(sizeof(int64_t) * (size_t)(width > 0 ? width : 1));
    if (!bx1 || !bx2 || !area || !sc || !col) {
        free(bx1); free(bx2); free(area); free(sc); free(col);
        return -1;
    }
    for (int64_t r = 0; r < num_rows; ++r) {
        int64_t n = counts[r];
        const float *rx1 = x1 + r * width, *rx2 = x2 + r * width, *rsc = score + r * width;
        for (int64_t j = 0; j < n; ++j) {
            bx1[j] = rx1[j];
            bx2[j] = rx2[j];
            area[j] = bx2[j] - bx1[j] + 1e-6f;
            sc[j] = rsc[j];
            col[j] = j;
        }
        int64_t i = 0;
        for (; i < n && i < out_k; ++i) {
            int64_t best = i;
            float best_sc = sc[i];
            for (int64_t j = i + 1; j < n; ++j) {
                if (sc[j] > best_sc) { best_sc = sc[j]; best = j; }
            }
            if (best != i) {
                float t;
                int64_t c;
                t = bx1[i]; bx1[i] = bx1[best]; bx1[best] = t;
                t = bx2[i]; bx2[i] = bx2[best]; bx2[best] = t;
                t = area[i]; area[i] = area[best]; area[best] = t;
                t = sc[i]; sc[i] = sc[best]; sc[best] = t;
                c = col[i]; col[i] = col[best]; col[best] = c;
            }
            const float sx1 = bx1[i], sx2 = bx2[i], sarea = area[i];
            int64_t pos = i + 1;
            while (pos < n) {
                float xx1 = sx1 < bx1[pos] ? bx1[pos] : sx1;    /* std::max(sx1, x1) */
                float xx2 = bx2[pos] < sx2 ? bx2[pos] : sx2;    /* std::min(sx2, x2) */
                float d = xx2 - xx1;
                float inter = 0.0f < d ? d : 0.0f;               /* std::max(0.f, d) */
                float ovr = inter / (sarea + area[pos] - inter);
                sc[pos] = sc[pos] * weight_of(ovr, method, thr, sigma);
                if (sc[pos] < min_score) {
                    --n;
                    bx1[pos] = bx1[n]; bx2[pos] = bx2[n]; area[pos] = area[n];
                    sc[pos] = sc[n]; col[pos] = col[n];
                } else {
                    ++pos;
                }
            }
        }
        int64_t kept = n < out_k ? n : out_k;
        for (int64_t j = 0; j < out_k; ++j) {
            out_cols[r * out_k + j] = j < kept ? col[j] : 0;
            out_scores[r * out_k + j] = j < kept ? sc[j] : 0.0f;
        }
        out_num[r] = kept;
    }
    free(bx1); free(bx2); free(area); free(sc); free(col);
    return 0;
}

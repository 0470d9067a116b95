/* TFLite_Detection_PostProcess float32: TFLM's kernels/detection_postprocess.cc step for step
 * (DecodeCenterSizeBoxes, ValidateBoxes, NonMaxSuppressionSingleClassHelper and the fast and
 * regular multi-class helpers), so that every output is TFLM's bit for bit:
 *  - boxes are decoded in double as TFLM does (its std::exp is a double exp: te_dp_exp below,
 *    within an ulp of double, no libm), each coordinate rounded to float once;
 *  - scores are only compared and copied, IoU is TFLM's float expression;
 *  - TFLM's orders are total orders here, so any algorithm that realises them gives its
 *    result: its stable descending merge sort of the kept scores (ties keep the lower box),
 *    its partial sorts by (score descending, position ascending) (per box the best class:
 *    the first class of the highest score; per class in regular NMS: the merge of the
 *    running top list with the class's selections, both already in that order).
 * No allocation: every buffer is in `scratch` (see the header for its layout). */
#include <stddef.h>

#include "detection_postprocess_f32.h"

#define TE_DP_RUN 16    /* insertion-sorted run length of the merge sort */

/* e^x in double (std::exp of TFLM's decode): x = k ln2 + r, |r| <= ln2 / 2 (Cody-Waite with
 * fdlibm's two-part ln2, k ln2_hi exact), e^r by its Taylor polynomial to degree 13 (truncation
 * below 1e-17 relative), then times 2^k built from its bits. */
static double te_dp_exp(double x) {
    union { double d; uint64_t u; } s;
    double kd, r, p;
    int32_t k;
    if (x != x) {
        return x;
    }
    if (x > 709.782712893384) {
        return (double)te_inff();
    }
    if (x < -745.2) {
        return 0.0;
    }
    kd = x * 1.4426950408889634;
    k = (int32_t)(kd + (kd >= 0.0 ? 0.5 : -0.5));
    r = x - (double)k * 0.6931471803691238;
    r = r - (double)k * 1.9082149292705877e-10;
    p = 1.6059043836821613e-10;
    p = 2.08767569878681e-09 + r * p;
    p = 2.505210838544172e-08 + r * p;
    p = 2.755731922398589e-07 + r * p;
    p = 2.7557319223985893e-06 + r * p;
    p = 2.48015873015873e-05 + r * p;
    p = 0.0001984126984126984 + r * p;
    p = 0.001388888888888889 + r * p;
    p = 0.008333333333333333 + r * p;
    p = 0.041666666666666664 + r * p;
    p = 0.16666666666666666 + r * p;
    p = 0.5 + r * p;
    p = 1.0 + r * p;
    p = 1.0 + r * p;
    if (k > 1023) {                     /* 2^1023 first, the rest below */
        s.u = (uint64_t)(1023 + 1023) << 52;
        p *= s.d;
        k -= 1023;
    } else if (k < -1022) {             /* 2^-1022 first (subnormal results round twice) */
        s.u = (uint64_t)1 << 52;
        p *= s.d;
        k += 1022;
    }
    s.u = (uint64_t)(k + 1023) << 52;
    return p * s.d;
}

/* DecodeCenterSizeBoxes: (ymin, xmin, ymax, xmax) per box, TFLM's double expressions. */
static void te_dp_decode(const float *enc, const float *anchors, float *decoded, int32_t n,
                         int32_t stride, float ys, float xs, float hs, float ws) {
    int32_t i;
    for (i = 0; i < n; ++i) {
        const float *e = enc + i * stride;
        const float *a = anchors + 4 * i;       /* y, x, h, w */
        float *b = decoded + 4 * i;
        const float yc = (float)((double)e[0] / (double)ys * (double)a[2] + (double)a[0]);
        const float xc = (float)((double)e[1] / (double)xs * (double)a[3] + (double)a[1]);
        const float hh = (float)(0.5 * te_dp_exp((double)e[2] / (double)hs) * (double)a[2]);
        const float hw = (float)(0.5 * te_dp_exp((double)e[3] / (double)ws) * (double)a[3]);
        b[0] = yc - hh;
        b[1] = xc - hw;
        b[2] = yc + hh;
        b[3] = xc + hw;
    }
}

/* ValidateBoxes: 0 if some box has ymin >= ymax or xmin >= xmax (NaN passes, as in TFLM). */
static int32_t te_dp_valid(const float *decoded, int32_t n) {
    int32_t i;
    for (i = 0; i < n; ++i) {
        const float *b = decoded + 4 * i;
        if (b[0] >= b[2] || b[1] >= b[3]) {
            return 0;
        }
    }
    return 1;
}

/* ComputeIntersectionOverUnion, TFLM's float operations in its order. */
static float te_dp_iou(const float *decoded, int32_t i, int32_t j) {
    const float *a = decoded + 4 * i;
    const float *b = decoded + 4 * j;
    const float area_a = (a[2] - a[0]) * (a[3] - a[1]);
    const float area_b = (b[2] - b[0]) * (b[3] - b[1]);
    float inter;
    if (area_a <= 0.0f || area_b <= 0.0f) {
        return 0.0f;
    }
    inter = te_maxf(te_minf(a[2], b[2]) - te_maxf(a[0], b[0]), 0.0f) *
            te_maxf(te_minf(a[3], b[3]) - te_maxf(a[1], b[1]), 0.0f);
    return inter / (area_a + area_b - inter);
}

/* DecreasingArgSort: idx = 0..n-1 stably sorted by v descending (runs of TE_DP_RUN by
 * insertion, then bottom-up merges; tmp holds n entries). v holds no NaN (kept scores passed
 * a >= test), so "v[a] > v[b]" is a strict weak order and the stable result is TFLM's. */
static void te_dp_argsort(const float *v, int32_t n, int32_t *idx, int32_t *tmp) {
    int32_t i, j, lo, width;
    for (i = 0; i < n; ++i) {
        idx[i] = i;
    }
    for (lo = 0; lo < n; lo += TE_DP_RUN) {
        const int32_t hi = (n - lo > TE_DP_RUN) ? lo + TE_DP_RUN : n;
        for (i = lo + 1; i < hi; ++i) {
            const int32_t x = idx[i];
            for (j = i; j > lo && v[x] > v[idx[j - 1]]; --j) {
                idx[j] = idx[j - 1];
            }
            idx[j] = x;
        }
    }
    for (width = TE_DP_RUN; width < n; width *= 2) {
        for (lo = 0; n - lo > width; lo += 2 * width) {
            const int32_t mid = lo + width;
            const int32_t hi = (n - mid > width) ? mid + width : n;
            int32_t a = lo, b = mid, k;
            for (k = lo; k < hi; ++k) {
                if (b < hi && (a >= mid || v[idx[b]] > v[idx[a]])) {
                    tmp[k] = idx[b++];
                } else {
                    tmp[k] = idx[a++];
                }
            }
            for (k = lo; k < hi; ++k) {
                idx[k] = tmp[k];
            }
        }
    }
}

typedef struct {
    float *box_scores;      /* n: per-box max score (fast) or one class's scores (regular) */
    int32_t *best;          /* n: per-box best class (fast) */
    float *keep_scores;     /* n */
    int32_t *keep_idx;      /* n */
    int32_t *sorted;        /* n */
    int32_t *selected;      /* sel */
    int32_t *acc_idx;       /* acc (regular) */
    float *acc_scores;      /* acc */
    int32_t *tmp_idx;       /* max_detections (regular) */
    float *tmp_val;         /* max_detections */
    uint8_t *active;        /* n */
} te_dp_scratch_t;

/* NonMaxSuppressionSingleClassHelper: the boxes scoring >= score_th, by score descending,
 * each kept unless its IoU with an already selected one exceeds iou_th; at most `limit`.
 * Writes the selected box indices to s->selected and returns their number. */
static int32_t te_dp_nms(const float *decoded, const float *scores, int32_t n, float score_th,
                         float iou_th, int32_t limit, const te_dp_scratch_t *s) {
    int32_t i, j, kept = 0, count = 0, active_n, out_size;
    for (i = 0; i < n; ++i) {
        if (scores[i] >= score_th) {
            s->keep_scores[kept] = scores[i];
            s->keep_idx[kept] = i;
            ++kept;
        }
    }
    te_dp_argsort(s->keep_scores, kept, s->sorted, s->keep_idx);  /* keep_idx as merge scratch */
    kept = 0;
    for (i = 0; i < n; ++i) {
        if (scores[i] >= score_th) {
            s->keep_idx[kept++] = i;
        }
    }
    out_size = kept < limit ? kept : limit;
    active_n = kept;
    for (i = 0; i < kept; ++i) {
        s->active[i] = 1;
    }
    for (i = 0; i < kept; ++i) {
        int32_t bi;
        if (active_n == 0 || count >= out_size) {
            break;
        }
        if (s->active[i] == 0) {
            continue;
        }
        bi = s->keep_idx[s->sorted[i]];
        s->selected[count++] = bi;
        s->active[i] = 0;
        --active_n;
        for (j = i + 1; j < kept; ++j) {
            if (s->active[j] == 1 &&
                te_dp_iou(decoded, bi, s->keep_idx[s->sorted[j]]) > iou_th) {
                s->active[j] = 0;
                --active_n;
            }
        }
    }
    return count;
}

static void te_dp_write(float *boxes, float *classes, float *scores, int32_t slot,
                        const float *box, float cls, float score) {
    int32_t c;
    for (c = 0; c < 4; ++c) {
        boxes[4 * slot + c] = box != NULL ? box[c] : 0.0f;
    }
    classes[slot] = cls;
    scores[slot] = score;
}

int32_t te_detection_postprocess_f32(
    const float *box_encodings, const float *class_predictions, const float *anchors,
    float *boxes, float *classes, float *scores, float *num_detections, void *scratch,
    int32_t num_boxes, int32_t box_stride, int32_t num_classes, int32_t class_stride,
    int32_t max_detections, int32_t regular, int32_t detections_per_class, int32_t slots,
    float score_threshold, float iou_threshold, float y_scale, float x_scale, float h_scale,
    float w_scale) {
    const int32_t n = num_boxes;
    const int32_t label_offset = class_stride - num_classes;
    const int32_t limit = regular ? detections_per_class : max_detections;
    const int32_t sel = n < limit ? n : limit;
    const int32_t acc = regular ? max_detections + sel : 0;
    const int32_t tmp_n = regular ? max_detections : 0;
    float *decoded = (float *)scratch;
    te_dp_scratch_t s;
    int32_t i, row, col, found = 0;
    s.box_scores = decoded + 4 * n;
    s.best = (int32_t *)(s.box_scores + n);
    s.keep_scores = (float *)(s.best + n);
    s.keep_idx = (int32_t *)(s.keep_scores + n);
    s.sorted = s.keep_idx + n;
    s.selected = s.sorted + n;
    s.acc_idx = s.selected + sel;
    s.acc_scores = (float *)(s.acc_idx + acc);
    s.tmp_idx = (int32_t *)(s.acc_scores + acc);
    s.tmp_val = (float *)(s.tmp_idx + tmp_n);
    s.active = (uint8_t *)(s.tmp_val + tmp_n);

    te_dp_decode(box_encodings, anchors, decoded, n, box_stride, y_scale, x_scale, h_scale,
                 w_scale);
    if (!te_dp_valid(decoded, n)) {
        return 1;
    }
    if (!regular) {
        /* NonMaxSuppressionMultiClassFastHelper with one category per anchor: each box's
         * best class (partial sort of one: a later class wins only with a greater score),
         * one NMS over the boxes' best scores. */
        for (row = 0; row < n; ++row) {
            const float *bs = class_predictions + row * class_stride + label_offset;
            int32_t best = 0, c;
            for (c = 1; c < num_classes; ++c) {
                if (bs[best] < bs[c]) {
                    best = c;
                }
            }
            s.best[row] = best;
            s.box_scores[row] = bs[best];
        }
        found = te_dp_nms(decoded, s.box_scores, n, score_threshold, iou_threshold,
                          max_detections, &s);
        for (i = 0; i < found; ++i) {
            const int32_t k = s.selected[i];
            te_dp_write(boxes, classes, scores, i, decoded + 4 * k, (float)s.best[k],
                        s.box_scores[k]);
        }
    } else {
        /* NonMaxSuppressionMultiClassRegularHelper: NMS per class, each class's selections
         * merged into the running top max_detections by (score desc, position asc). */
        for (col = 0; col < num_classes; ++col) {
            int32_t got, total = found, a = 0, b = found, keep, r;
            for (row = 0; row < n; ++row) {
                s.box_scores[row] = class_predictions[row * class_stride + col + label_offset];
            }
            got = te_dp_nms(decoded, s.box_scores, n, score_threshold, iou_threshold,
                            detections_per_class, &s);
            for (i = 0; i < got; ++i) {
                s.acc_idx[total] = s.selected[i] * class_stride + col + label_offset;
                s.acc_scores[total] = s.box_scores[s.selected[i]];
                ++total;
            }
            keep = total < max_detections ? total : max_detections;
            for (r = 0; r < keep; ++r) {
                const int32_t pick = (b < total && (a >= found ||
                                      s.acc_scores[b] > s.acc_scores[a])) ? b++ : a++;
                s.tmp_idx[r] = s.acc_idx[pick];
                s.tmp_val[r] = s.acc_scores[pick];
            }
            for (r = 0; r < keep; ++r) {
                s.acc_idx[r] = s.tmp_idx[r];
                s.acc_scores[r] = s.tmp_val[r];
            }
            found = keep;
        }
        for (i = 0; i < found; ++i) {
            const int32_t anchor = s.acc_idx[i] / class_stride;
            const int32_t cls = s.acc_idx[i] - anchor * class_stride - label_offset;
            te_dp_write(boxes, classes, scores, i, decoded + 4 * anchor, (float)cls,
                        s.acc_scores[i]);
        }
    }
    for (i = found; i < slots; ++i) {   /* TFLM's regular NMS zeroes them, fast leaves them */
        te_dp_write(boxes, classes, scores, i, NULL, 0.0f, 0.0f);
    }
    num_detections[0] = (float)found;
    return 0;
}

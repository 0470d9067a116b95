/* LOG_SOFTMAX int8 -> int8 (output scale 16/256, zero point 127), bit-exact with TFLM
 * reference_ops::LogSoftmax (log_softmax.h, int8): sum of exp in Q12.19 (the exp of every input
 * difference tabulated on the host), gemmlowp's log_x_for_x_greater_than_or_equal_to_1<5> of
 * the sum (common.h), output = RoundingDivideByPOT(diff_in_q5 - log_sum, 22) + 127 above the
 * adjusted diff_min, else -128. in == out allowed (the row is read fully before it is written). */
#include "log_softmax.h"
#include "te_isa.h"

static int32_t ls_sat(int64_t v) {
    return v > INT32_MAX ? INT32_MAX : (v < INT32_MIN ? INT32_MIN : (int32_t)v);
}

static int32_t ls_add(int32_t a, int32_t b) {   /* gemmlowp raw +: two's complement */
    return (int32_t)((uint32_t)a + (uint32_t)b);
}

static int32_t ls_sub(int32_t a, int32_t b) {
    return (int32_t)((uint32_t)a - (uint32_t)b);
}

/* gemmlowp one_over_one_plus_x_for_x_in_0_1 on Q0.31 raw values. */
static int32_t ls_one_over_one_plus_x(int32_t a) {
    const int64_t sum = (int64_t)a + INT32_MAX;
    const int32_t half_denominator = (int32_t)((sum + (sum >= 0 ? 1 : -1)) / 2);
    int32_t x = ls_add(1515870810, te_srdhm(half_denominator, -1010580540));
    int i;
    for (i = 0; i < 3; ++i) {
        const int32_t one_minus = ls_sub(1 << 29, te_srdhm(half_denominator, x));
        x = ls_add(x, te_sat_shl(te_srdhm(x, one_minus), 2));
    }
    return te_sat_shl(x, 1);
}

/* log_x_for_x_greater_than_or_equal_to_1_impl<5, 12>: Q12.19 in, Q5.26 out. */
static int32_t ls_log_q12_to_q5(int32_t z) {
    const int32_t log_2 = 1488522236, sqrt_sqrt_half = 1805811301, sqrt_half = 1518500250;
    const int32_t alpha_n = 117049297, alpha_d = 127690142, alpha_i = 1057819769;
    const int32_t alpha_f = 638450708;
    const int32_t shifted_quarter = 1 << 23;       /* Rescale<6>(1/4) */
    const int32_t hp1 = te_clz32((uint32_t)z);
    const int32_t r_a_tmp = te_sat_shl(z, hp1 - 1);
    const int32_t r_a = te_sat_shl(te_srdhm(r_a_tmp, sqrt_half), 1);
    const int32_t za_adj = ls_sat((int64_t)te_sat_shl(12 - hp1, 25) + shifted_quarter);
    const int32_t z_b = te_srdhm(z, sqrt_half);
    const int32_t zb_headroom = te_clz32((uint32_t)z_b) - 1;
    const int32_t r_b = te_sat_shl(z, zb_headroom);
    const int32_t zb_adj = ls_sat((int64_t)te_sat_shl(12 - zb_headroom, 25) - shifted_quarter);
    const int32_t r = r_a < r_b ? r_a : r_b;
    const int32_t z_pow_2_adj = za_adj > zb_adj ? za_adj : zb_adj;
    const int64_t half_sum = (int64_t)r + sqrt_sqrt_half;
    const int32_t p = (int32_t)((half_sum + (half_sum >= 0 ? 1 : -1)) / 2);
    int32_t q = ls_sub(r, sqrt_sqrt_half);
    int32_t common_sq, num, denom_minus_one, recip, num_scaled;
    q = ls_add(q, q);
    common_sq = te_srdhm(q, q);
    num = ls_add(te_srdhm(q, r), te_srdhm(te_srdhm(q, common_sq), alpha_n));
    denom_minus_one = ls_add(
        te_srdhm(p, ls_add(ls_add(alpha_i, q), te_srdhm(alpha_d, common_sq))),
        te_srdhm(alpha_f, q));
    recip = ls_one_over_one_plus_x(denom_minus_one);
    num_scaled = te_rdbpot(num, 6);
    return te_sat_shl(ls_add(te_srdhm(z_pow_2_adj, log_2), te_srdhm(num_scaled, recip)), 1);
}

void te_log_softmax_s8(const int8_t *in, int8_t *out, int32_t outer, int32_t depth,
                       const int32_t *exp_q12, const int32_t *diff_q5, int32_t diff_min,
                       int32_t reverse_mult, int32_t reverse_shift) {
    int32_t i, c;
    for (i = 0; i < outer; ++i) {
        const int8_t *x = in + i * depth;
        int8_t *y = out + i * depth;
        int32_t max_in_row = -128, log_sum, adjusted, rev;
        uint32_t sum = 0;   /* int32 add in TFLM; unsigned here so a wrap stays defined */
        for (c = 0; c < depth; ++c) {
            max_in_row = x[c] > max_in_row ? x[c] : max_in_row;
        }
        for (c = 0; c < depth; ++c) {
            sum += (uint32_t)exp_q12[max_in_row - x[c]];
        }
        log_sum = ls_log_q12_to_q5((int32_t)sum);
        rev = te_requant(ls_add(log_sum, INT32_MIN), reverse_mult, reverse_shift);
        adjusted = diff_min - 1 > rev ? diff_min - 1 : rev;
        for (c = 0; c < depth; ++c) {
            const int32_t diff = x[c] - max_in_row;
            if (diff > adjusted) {
                const int32_t v = te_rdbpot(ls_sub(diff_q5[-diff], log_sum), 22) + 127;
                y[c] = (int8_t)te_clamp(v, -128, 127);
            } else {
                y[c] = -128;
            }
        }
    }
}

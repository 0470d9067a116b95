/* AVERAGE_POOL_2D with the DSP extension (TE_FAST): four channels at a time, the window summed
 * in two int16x2 accumulators (SXTAB16 of a word's even and odd bytes: three instructions per
 * four inputs), exact while the window holds at most 255 inputs (255 * 128 < 2^15; the host
 * checks, ops/average_pool_2d.py), then TFLM's rounding division per channel. The c % 4 last
 * channels one by one. Bit-exact with reference_integer_ops::AveragePool. */
#include "average_pool_2d.h"
#include "te_isa.h"

#if TE_FAST
TE_INLINE int8_t te_avg_out(int32_t acc, int32_t count, int32_t act_min, int32_t act_max) {
    if (count > 0) {
        acc = acc > 0 ? (acc + count / 2) / count : (acc - count / 2) / count;
    }
    return (int8_t)te_clamp(acc, act_min, act_max);
}

void te_average_pool_2d_dsp(const int8_t *in, int32_t in_h, int32_t in_w, int32_t c,
                            int32_t k_h, int32_t k_w, int32_t stride_h, int32_t stride_w,
                            int32_t pad_t, int32_t pad_l, int8_t *out, int32_t out_h,
                            int32_t out_w, int32_t act_min, int32_t act_max) {
    const int32_t c4 = c & ~3;
    int32_t oy, ox, ch, y, x;
    for (oy = 0; oy < out_h; ++oy) {
        const int32_t iy0 = oy * stride_h - pad_t;
        const int32_t y0 = iy0 < 0 ? -iy0 : 0;
        const int32_t y1 = k_h < in_h - iy0 ? k_h : in_h - iy0;
        for (ox = 0; ox < out_w; ++ox, out += c) {
            const int32_t ix0 = ox * stride_w - pad_l;
            const int32_t x0 = ix0 < 0 ? -ix0 : 0;
            const int32_t x1 = k_w < in_w - ix0 ? k_w : in_w - ix0;
            const int32_t count = (y1 - y0) * (x1 - x0);
            for (ch = 0; ch < c4; ch += 4) {
                uint32_t even = 0, odd = 0;   /* channels (0, 2) and (1, 3) in int16 lanes */
                for (y = y0; y < y1; ++y) {
                    const int8_t *px = in + ((iy0 + y) * in_w + ix0 + x0) * c + ch;
                    for (x = x0; x < x1; ++x, px += c) {
                        const uint32_t v = te_ld32(px);
                        even = __sxtab16(even, v);
                        odd = te_sxtab16_ror8(odd, v);
                    }
                }
                out[ch] = te_avg_out((int16_t)even, count, act_min, act_max);
                out[ch + 1] = te_avg_out((int16_t)odd, count, act_min, act_max);
                out[ch + 2] = te_avg_out((int16_t)(even >> 16), count, act_min, act_max);
                out[ch + 3] = te_avg_out((int16_t)(odd >> 16), count, act_min, act_max);
            }
            for (; ch < c; ++ch) {
                int32_t acc = 0;
                for (y = y0; y < y1; ++y) {
                    const int8_t *px = in + ((iy0 + y) * in_w + ix0 + x0) * c + ch;
                    for (x = x0; x < x1; ++x, px += c) {
                        acc += *px;
                    }
                }
                out[ch] = te_avg_out(acc, count, act_min, act_max);
            }
        }
    }
}
#endif

"""gemmlowp fixed-point functions on Python ints (int32 raw values), bit-exact, used on the host
to tabulate the exp() that TFLite's int8 SOFTMAX evaluates for each of the 256 input differences."""
from __future__ import annotations

from .quant import multiply_by_quantized_multiplier, rdbpot, srdhm

INT32_MIN, INT32_MAX = -(1 << 31), (1 << 31) - 1


def _wrap(x: int) -> int:
    return (x + (1 << 31)) % (1 << 32) - (1 << 31)


def sat_mul_pot(x: int, exponent: int) -> int:
    """SaturatingRoundingMultiplyByPOT<exponent> for int32."""
    if exponent < 0:
        return rdbpot(x, -exponent)
    if exponent == 0:
        return x
    threshold = (1 << (31 - exponent)) - 1
    if x > threshold:
        return INT32_MAX
    if x < -threshold:
        return INT32_MIN
    return x * (1 << exponent)


def exp_on_interval_between_negative_one_quarter_and_0_excl(a: int) -> int:
    constant_term = 1895147668          # exp(-1/8) in Q0.31
    constant_1_over_3 = 715827883
    x = _wrap(a + (1 << 28))            # a + 1/8
    x2 = srdhm(x, x)
    x3 = srdhm(x2, x)
    x4 = srdhm(x2, x2)
    x4_over_4 = sat_mul_pot(x4, -2)
    t = sat_mul_pot(_wrap(srdhm(_wrap(x4_over_4 + x3), constant_1_over_3) + x2), -1)
    return _wrap(constant_term + srdhm(constant_term, _wrap(x + t)))


_BARREL = [(-2, 1672461947), (-1, 1302514674), (0, 790015084), (1, 290630308), (2, 39332535),
           (3, 720401), (4, 242)]


def exp_on_negative_values(a: int, integer_bits: int = 5) -> int:
    """gemmlowp exp_on_negative_values: input Q(integer_bits).(31-integer_bits) <= 0, output Q0.31."""
    frac = 31 - integer_bits
    one_quarter = 1 << (frac - 2)
    mask = one_quarter - 1
    a_mod_q_minus_q = _wrap((a & mask) - one_quarter)
    result = exp_on_interval_between_negative_one_quarter_and_0_excl(
        sat_mul_pot(a_mod_q_minus_q, integer_bits))
    remainder = _wrap(a_mod_q_minus_q - a)
    for exponent, mult in _BARREL:
        if integer_bits > exponent and remainder & (1 << (frac + exponent)):
            result = srdhm(result, mult)
    return INT32_MAX if a == 0 else result


def softmax_exp_table(input_multiplier: int, input_left_shift: int, diff_min: int) -> list[int]:
    """exp(beta * scale * d) in Q0.31 for d = 0, -1, ..., -255 (0 where d < diff_min)."""
    out = []
    for k in range(256):
        d = -k
        if d < diff_min:
            out.append(0)
            continue
        rescaled = multiply_by_quantized_multiplier(d, input_multiplier, input_left_shift)
        out.append(exp_on_negative_values(rescaled, 5))
    return out


def _one_over_one_plus_x_core(a: int) -> int:
    """Newton-Raphson reciprocal shared by logistic and tanh: returns x (Q2.29) ~ 1/(1+a)."""
    s = a + INT32_MAX
    half_den = (s + (1 if s >= 0 else -1)) // 2 if s >= 0 else -((-s + 1) // 2)
    x = _wrap(1515870810 + srdhm(half_den, -1010580540))
    for _ in range(3):
        one_minus = _wrap((1 << 29) - srdhm(half_den, x))
        x = _wrap(x + sat_mul_pot(srdhm(x, one_minus), 2))
    return x


def one_over_one_plus_x_for_x_in_0_1(a: int) -> int:
    return sat_mul_pot(_one_over_one_plus_x_core(a), 1)


def one_minus_x_over_one_plus_x_for_x_in_0_1(a: int) -> int:
    return sat_mul_pot(_wrap(_one_over_one_plus_x_core(a) - (1 << 29)), 2)


def logistic(a: int, integer_bits: int) -> int:
    """gemmlowp logistic: Q(integer_bits) input, Q0.31 output."""
    if a == 0:
        return 1 << 30
    pos = one_over_one_plus_x_for_x_in_0_1(exp_on_negative_values(-abs(a), integer_bits))
    return pos if a > 0 else _wrap(INT32_MAX - pos)


def tanh(a: int, integer_bits: int) -> int:
    """gemmlowp tanh: Q(integer_bits) input, Q0.31 output."""
    if a == 0:
        return 0
    n = a if a < 0 else -a
    # ExactMulByPot<1>: same raw, one more integer bit
    t = one_minus_x_over_one_plus_x_for_x_in_0_1(exp_on_negative_values(n, integer_bits + 1))
    return -t if a < 0 else t


def srdhm16(a: int, b: int) -> int:
    if a == b == -(1 << 15):
        return (1 << 15) - 1
    ab = a * b
    v = ab + ((1 << 14) if ab >= 0 else (1 - (1 << 14)))
    q = abs(v) // (1 << 15)
    return q if v >= 0 else -q


def inv_sqrt_quantized_multiplier_exp(x: int, reverse_shift: int) -> tuple[int, int]:
    """TFLite GetInvSqrtQuantizedMultiplierExp (common.h): 1/sqrt(x) as a Q0.31 multiplier and
    a shift (times reverse_shift), by gemmlowp's 5-step Newton-Raphson on Q3.28."""
    if x <= 1:
        return INT32_MAX, 0
    shift = 11
    while x >= (1 << 29):
        x //= 4
        shift += 1
    max_left_shift_bits = (32 - x.bit_length()) - 1
    left_shift_bit_pairs = max_left_shift_bits // 2 - 1
    shift -= left_shift_bit_pairs
    x <<= 2 * left_shift_bit_pairs
    half_input = rdbpot(x >> 1, 1)
    half_three = (1 << 28) + (1 << 27)
    v = 1 << 28                                          # F3::One()
    for _ in range(5):
        x3 = sat_mul_pot(srdhm(srdhm(v, v), v), 6)        # Rescale<3>(x * x * x): F9 -> F3
        v = sat_mul_pot(_wrap(srdhm(half_three, v) - srdhm(half_input, x3)), 3)
    v = srdhm(v, 1518500250)                             # * sqrt(2) / 2 (F0)
    if shift < 0:
        v = _wrap(v << -shift)
        shift = 0
    return v, shift * reverse_shift

/**
 * Decimal arithmetic at 40 significant digits, for what the newsletter
 * computes itself: derived metrics and projections. big.js (compute/decimal.ts)
 * stays the exact engine for deltas; it has no fractional powers, and a
 * projection needs (1 + r)^t at t = n/4 or n/12 years and a target's implied
 * rate (value/base)^(1/T). decimal.js computes pow, exp and ln correctly
 * rounded at a precision we choose (docs/dependencies.md).
 */
import { Decimal as DecimalJs } from 'decimal.js';

/** Significant digits of every intermediate result: well past the 28 the contract asks for. */
export const PRECISION = 40;

/** Decimal places kept in edition.json for computed values. */
export const COMPUTED_PLACES = 10;

export const Precise = DecimalJs.clone({ precision: PRECISION, rounding: DecimalJs.ROUND_HALF_UP, toExpNeg: -50, toExpPos: 50 });
export type Precise = InstanceType<typeof Precise>;

export function precise(value: string | number): Precise {
  return new Precise(value);
}

/** Rounded half away from zero to 10 places, as fixed-point text ("71.8956000000"). */
export function computedText(value: Precise): string {
  const text = value.toFixed(COMPUTED_PLACES, Precise.ROUND_HALF_UP);
  // No "-0.0000000000": a value that rounds to zero is zero.
  return /^-0\.0+$/.test(text) ? text.slice(1) : text;
}

/** The same, trailing zeros dropped ("10.0200000000" -> "10.02"), for a value that is shown at the metric's decimals. */
export function computedShortText(value: Precise): string {
  const text = computedText(value);
  return text.includes('.') ? text.replace(/0+$/, '').replace(/\.$/, '') : text;
}

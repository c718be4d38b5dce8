/**
 * Decimal arithmetic for metric values. Briefs carry values as the decimal
 * text the analyst wrote; doing the maths on binary floats would print
 * 38.1 - 35.8 as 2.3000000000000043, so every computation goes through big.js
 * and only the final, rounded result becomes a JS number.
 */
import Big from 'big.js';

export type Decimal = Big;
type BigConstructor = Big.BigConstructor;

/**
 * Half-up means half away from zero in big.js (roundHalfUp = 1), so rounding
 * is symmetric: 0.05 -> 0.1 and -0.05 -> -0.1. Chosen over half-even because
 * that is how analysts and readers round by hand, and it matches the
 * `halfExpand` default of Intl.NumberFormat used for display.
 */
const ROUND_HALF_UP = 1;

/** big.js rejects a leading "+", which analysts sometimes write. */
const DECIMAL_TEXT = /^\s*\+?(-?(?:\d+(?:\.\d*)?|\.\d+)(?:e[+-]?\d+)?)\s*$/i;

/**
 * Parses decimal text exactly. Throws on anything else: the loader validates
 * values, so a bad one here is a programming error, not a content problem.
 */
export function parseDecimal(text: string): Decimal {
  const match = DECIMAL_TEXT.exec(text);
  if (!match?.[1]) throw new Error(`Not a decimal number: "${text}"`);
  return new Big(match[1]);
}

/** Digits after the decimal point as written, trailing zeros included ("38.10" -> 2, "7" -> 0, "1.5e-3" -> 4). */
export function decimalPlaces(text: string): number {
  parseDecimal(text);
  const [mantissa = '', exponent = '0'] = text.trim().split(/e/i);
  const fraction = mantissa.split('.')[1] ?? '';
  return Math.max(0, fraction.length - Number(exponent));
}

export function subtract(a: Decimal, b: Decimal): Decimal {
  return a.minus(b);
}

export function abs(a: Decimal): Decimal {
  return a.abs();
}

export function isZero(a: Decimal): boolean {
  return a.eq(0);
}

// Division rounds to the constructor's DP, and big.js decides the last digit
// from the full remainder, so dividing straight at the target precision is
// exactly rounded, where dividing at 20 places and rounding again could round
// twice. One constructor per precision keeps that setting immutable.
const dividers = new Map<number, BigConstructor>();

function dividerFor(places: number): BigConstructor {
  let ctor = dividers.get(places);
  if (!ctor) {
    ctor = Big();
    ctor.DP = places;
    ctor.RM = ROUND_HALF_UP;
    dividers.set(places, ctor);
  }
  return ctor;
}

/** a / b rounded half-up to `places` decimals. Throws when b is zero. */
export function divide(a: Decimal, b: Decimal, places: number): Decimal {
  return new (dividerFor(places))(a).div(b);
}

/** Rounds half away from zero to `places` decimals. */
export function round(a: Decimal, places: number): Decimal {
  return a.round(places, ROUND_HALF_UP);
}

/**
 * The nearest JS number. big.js keeps the sign of a negative value rounded
 * to zero and toNumber() hands it over as -0, which Intl prints as "-0.0"
 * and JSON diffs show as a change; normalise it.
 */
export function toNumber(a: Decimal): number {
  const n = a.toNumber();
  return n === 0 ? 0 : n;
}

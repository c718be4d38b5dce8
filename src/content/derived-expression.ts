/**
 * The formula of a derived metric (metrics.yml `derived:`): metric keys and
 * numbers with `+ - * /`, unary minus and parentheses, parsed by recursive
 * descent. It is part of the content model, small enough that a parser
 * library would be more code to configure than this, and its errors must
 * point at the character in metrics.yml where the formula goes wrong.
 *
 *   sum     := product (("+" | "-") product)*
 *   product := unary (("*" | "/") unary)*
 *   unary   := "-" unary | atom
 *   atom    := number | key | "(" sum ")"
 */
import type { Formula } from '../model.js';
import { precise, type Precise } from '../util/precise-decimal.js';

export type { Formula } from '../model.js';

export interface FormulaError {
  message: string;
  /** 0-based offset in the formula text. */
  offset: number;
}

interface Token {
  kind: 'number' | 'key' | 'op' | 'open' | 'close' | 'end';
  text: string;
  offset: number;
}

const TOKEN = /\s*(?:(\d+(?:\.\d+)?)(?![a-z0-9_])|([a-z0-9_]+)|([-+*/])|(\()|(\))|(\S))/y;

function tokenize(text: string): Token[] | FormulaError {
  const tokens: Token[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < text.length) {
    const start = TOKEN.lastIndex;
    const m = TOKEN.exec(text);
    if (!m) break;
    const offset = start + m[0].length - m[0].trimStart().length;
    if (m[6] !== undefined) return { message: `unexpected "${m[6]}" (a formula has metric keys, numbers, + - * / and parentheses)`, offset };
    const kind = m[1] !== undefined ? 'number' : m[2] !== undefined ? 'key' : m[3] !== undefined ? 'op' : m[4] !== undefined ? 'open' : 'close';
    tokens.push({ kind, text: m[0].trim(), offset });
  }
  tokens.push({ kind: 'end', text: '', offset: text.trimEnd().length });
  return tokens;
}

class Parser {
  private at = 0;
  constructor(private readonly tokens: Token[]) {}

  private peek(): Token {
    return this.tokens[this.at]!;
  }

  private next(): Token {
    return this.tokens[this.at++]!;
  }

  sum(): Formula {
    let left = this.product();
    while (this.peek().kind === 'op' && (this.peek().text === '+' || this.peek().text === '-')) {
      const op = this.next().text as '+' | '-';
      left = { kind: 'binary', op, left, right: this.product() };
    }
    return left;
  }

  private product(): Formula {
    let left = this.unary();
    while (this.peek().kind === 'op' && (this.peek().text === '*' || this.peek().text === '/')) {
      const op = this.next().text as '*' | '/';
      left = { kind: 'binary', op, left, right: this.unary() };
    }
    return left;
  }

  private unary(): Formula {
    if (this.peek().kind === 'op' && this.peek().text === '-') {
      this.next();
      return { kind: 'negate', operand: this.unary() };
    }
    return this.atom();
  }

  private atom(): Formula {
    const t = this.next();
    if (t.kind === 'number') return { kind: 'number', text: t.text };
    if (t.kind === 'key') return { kind: 'metric', key: t.text };
    if (t.kind === 'open') {
      const inner = this.sum();
      const close = this.next();
      if (close.kind !== 'close') throw fail(close, 'expected ")"');
      return inner;
    }
    throw fail(t, 'expected a metric key, a number or "("');
  }

  finish(): void {
    const t = this.peek();
    if (t.kind !== 'end') throw fail(t, 'expected an operator (+ - * /) or the end of the formula');
  }
}

function fail(t: Token, expected: string): FormulaError {
  return { message: `${expected}, found ${t.kind === 'end' ? 'the end of the formula' : `"${t.text}"`}`, offset: t.offset };
}

export function parseFormula(text: string): { formula: Formula } | { error: FormulaError } {
  const tokens = tokenize(text);
  if (!Array.isArray(tokens)) return { error: tokens };
  const parser = new Parser(tokens);
  try {
    const formula = parser.sum();
    parser.finish();
    return { formula };
  } catch (e) {
    if (e instanceof Error) throw e;
    return { error: e as FormulaError };
  }
}

/** The metric keys a formula reads, each once, in the order written. */
export function formulaKeys(f: Formula): string[] {
  const keys = new Set<string>();
  const walk = (n: Formula): void => {
    if (n.kind === 'metric') keys.add(n.key);
    else if (n.kind === 'negate') walk(n.operand);
    else if (n.kind === 'binary') {
      walk(n.left);
      walk(n.right);
    }
  };
  walk(f);
  return [...keys];
}

const PRECEDENCE = { '+': 1, '-': 1, '*': 2, '/': 2 } as const;
const SYMBOL = { '+': '+', '-': '\u2212', '*': '\u00d7', '/': '\u00f7' } as const;

/**
 * The formula for readers, each key replaced by `name(key)` (its label), with
 * the parentheses it needs and no more: "revenue × AI share ÷ 100".
 */
export function formulaInWords(f: Formula, name: (key: string) => string): string {
  const show = (n: Formula, parent: number, rightOfNonAssociative: boolean): string => {
    if (n.kind === 'number') return n.text;
    if (n.kind === 'metric') return name(n.key);
    if (n.kind === 'negate') return `\u2212${show(n.operand, 3, false)}`;
    const p = PRECEDENCE[n.op];
    const text = `${show(n.left, p, false)} ${SYMBOL[n.op]} ${show(n.right, p, n.op === '-' || n.op === '/')}`;
    return p < parent || (p === parent && rightOfNonAssociative) ? `(${text})` : text;
  };
  return show(f, 0, false);
}

/**
 * The formula's value from its inputs' values; undefined when an input has
 * none. `divisorZero` is set when a division by zero stopped it.
 */
export function evaluateFormula(f: Formula, valueOf: (key: string) => Precise | undefined): { value?: Precise; divisorZero?: true } {
  let zero = false;
  const walk = (n: Formula): Precise | undefined => {
    if (n.kind === 'number') return precise(n.text);
    if (n.kind === 'metric') return valueOf(n.key);
    if (n.kind === 'negate') return walk(n.operand)?.neg();
    const left = walk(n.left);
    const right = walk(n.right);
    if (left === undefined || right === undefined) return undefined;
    if (n.op === '+') return left.plus(right);
    if (n.op === '-') return left.minus(right);
    if (n.op === '*') return left.times(right);
    if (right.isZero()) {
      zero = true;
      return undefined;
    }
    return left.div(right);
  };
  const value = walk(f);
  return zero ? { divisorZero: true } : value === undefined ? {} : { value };
}

/** A division whose divisor holds no metric key and is zero (`x / (2 - 2)`): an error in the formula itself. */
export function constantDivisionByZero(f: Formula): boolean {
  if (f.kind === 'negate') return constantDivisionByZero(f.operand);
  if (f.kind !== 'binary') return false;
  if (f.op === '/' && formulaKeys(f.right).length === 0 && evaluateFormula(f.right, () => undefined).value?.isZero() === true) return true;
  return constantDivisionByZero(f.left) || constantDivisionByZero(f.right);
}

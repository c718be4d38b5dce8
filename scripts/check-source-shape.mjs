#!/usr/bin/env node
/**
 * Two rules for src/ and bench/ that no compiler checks (docs/architecture.md):
 * - no function longer than MAX_LINES lines, except those named in
 *   function-size-allow.json, each with the length it may not exceed; the
 *   list only shrinks: an entry whose function got short enough (or is gone)
 *   must be removed;
 * - no two modules with the same file name anywhere in src/ and bench/, nor
 *   two files with one name in test/.
 * Prints every offender and exits 1 if there is any.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

export const MAX_LINES = 80;

function listTs(dir) {
  return readdirSync(dir, { recursive: true })
    .filter((f) => f.endsWith('.ts'))
    .map((f) => path.join(dir, f).split(path.sep).join('/'))
    .sort();
}

function functionName(node, sf) {
  if (node.name) return node.name.getText(sf);
  if (ts.isConstructorDeclaration(node)) return 'constructor';
  const parent = node.parent;
  if (parent && ts.isVariableDeclaration(parent)) return parent.name.getText(sf);
  if (parent && ts.isPropertyAssignment(parent)) return parent.name.getText(sf);
  if (parent && ts.isPropertyDeclaration(parent)) return parent.name.getText(sf);
  return `<anonymous@${sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1}>`;
}

/** Every function-like node in `file` with its qualified name (Class.method, outer/inner) and its length in lines. */
export function functionLengths(file, text = readFileSync(file, 'utf8')) {
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const out = [];
  const visit = (node, scope) => {
    let inner = scope;
    if (ts.isClassDeclaration(node) && node.name) inner = [...scope, node.name.text];
    if (ts.isFunctionLike(node) && 'body' in node && node.body) {
      const name = [...scope, functionName(node, sf)].join(scope.length && ts.isClassDeclaration(node.parent) ? '.' : '/');
      const start = sf.getLineAndCharacterOfPosition(node.getStart(sf)).line;
      const end = sf.getLineAndCharacterOfPosition(node.getEnd()).line;
      out.push({ file, name, lines: end - start + 1, line: start + 1 });
      inner = [...scope, functionName(node, sf)];
    }
    ts.forEachChild(node, (child) => visit(child, inner));
  };
  visit(sf, []);
  return out;
}

export function checkFunctionSizes(files, allow) {
  const problems = [];
  const seen = new Set();
  for (const file of files) {
    for (const f of functionLengths(file)) {
      if (f.lines <= MAX_LINES) continue;
      const key = `${f.file}:${f.name}`;
      const limit = allow[key];
      seen.add(key);
      if (limit === undefined) problems.push(`${f.file}:${f.line}: ${f.name} is ${f.lines} lines (at most ${MAX_LINES}): split it`);
      else if (f.lines > limit) problems.push(`${f.file}:${f.line}: ${f.name} grew to ${f.lines} lines (allow-listed at ${limit}; at most ${MAX_LINES}): split it`);
    }
  }
  for (const key of Object.keys(allow)) {
    if (!seen.has(key)) problems.push(`function-size-allow.json: ${key} is now at most ${MAX_LINES} lines or gone: remove it from the list`);
  }
  return problems;
}

export function checkUniqueNames(files) {
  const byName = new Map();
  for (const f of files) byName.set(path.basename(f), [...(byName.get(path.basename(f)) ?? []), f]);
  return [...byName.values()].filter((fs) => fs.length > 1).map((fs) => `same file name: ${fs.join(', ')}: name each module for what it does`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const allow = JSON.parse(readFileSync('function-size-allow.json', 'utf8')).functions;
  const src = listTs('src');
  const bench = listTs('bench');
  const problems = [...checkFunctionSizes([...src, ...bench], allow), ...checkUniqueNames([...src, ...bench]), ...checkUniqueNames(listTs('test'))];
  for (const p of problems) console.error(p);
  const listed = Object.keys(allow);
  if (listed.length) console.log(`${listed.length} function(s) still over ${MAX_LINES} lines on the allow-list: ${listed.join(', ')}`);
  if (problems.length) process.exit(1);
  console.log(`source shape ok: ${src.length} modules in src/ and ${bench.length} in bench/, no function over ${MAX_LINES} lines outside the allow-list, no two modules share a file name`);
}

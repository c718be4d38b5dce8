/**
 * YAML parsing that remembers where things are. The `yaml` package gives us
 * source positions for every node, so a problem found later (an unknown
 * metric key, a share of 140) can still name its line and column, and the
 * raw text of a number ("38.10") so we keep the precision the analyst wrote.
 */
import { isMap, isScalar, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import { error, type Problem } from '../problems.js';
import { YamlInvalid } from '../problem-catalogue.js';

export interface YamlSource {
  file: string;
  doc: Document;
  data: unknown;
  /** Position of the node at `path` (or the nearest existing parent), 1-based, in file coordinates. */
  at(path: readonly PropertyKey[]): { line: number; column: number };
  /** Position of the key of the entry at `path` (`share_a:` rather than the first line of its block); `at(path)` where there is no such key. */
  keyAt(path: readonly PropertyKey[]): { line: number; column: number };
  /** The number or decimal string at `path` exactly as written, or undefined when the node is not a scalar. */
  rawScalar(path: readonly PropertyKey[]): string | undefined;
}

/**
 * Parses `text` as YAML. `lineOffset` shifts reported lines, for YAML that sits
 * inside a larger file (frontmatter starts on line 2 of a brief).
 */
export function parseYaml(file: string, text: string, lineOffset = 0): { source: YamlSource; problems: Problem[] } {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, keepSourceTokens: true, prettyErrors: false, uniqueKeys: true });
  const problems: Problem[] = doc.errors.map((e) => {
    const pos = lineCounter.linePos(e.pos[0]);
    return error(file, YamlInvalid, [firstLine(e.message)], { line: pos.line + lineOffset, column: pos.col });
  });
  const data = problems.length > 0 ? undefined : doc.toJS({ maxAliasCount: 100 });

  function nodeAt(path: readonly PropertyKey[]): Node | undefined {
    for (let n = path.length; n >= 0; n--) {
      const node = doc.getIn(path.slice(0, n) as unknown[], true);
      if (node && typeof node === 'object' && 'range' in node) return node as Node;
    }
    return undefined;
  }

  function position(offset: number): { line: number; column: number } {
    const pos = lineCounter.linePos(offset);
    return { line: pos.line + lineOffset, column: pos.col };
  }

  const source: YamlSource = {
    file,
    doc,
    data,
    at(path) {
      return position(nodeAt(path)?.range?.[0] ?? 0);
    },
    keyAt(path) {
      const parent = doc.getIn(path.slice(0, -1) as unknown[], true);
      const pair = isMap(parent) ? parent.items.find((item) => isScalar(item.key) && item.key.value === path.at(-1)) : undefined;
      return pair && isScalar(pair.key) && pair.key.range ? position(pair.key.range[0]) : source.at(path);
    },
    rawScalar(path) {
      const node = doc.getIn(path as unknown[], true);
      if (!isScalar(node)) return undefined;
      const token = node.srcToken;
      if (token && 'source' in token && typeof token.source === 'string') return token.source;
      return typeof node.value === 'number' || typeof node.value === 'string' ? String(node.value) : undefined;
    },
  };
  return { source, problems };
}

function firstLine(s: string): string {
  return s.split('\n')[0] ?? s;
}

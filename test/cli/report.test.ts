import { describe, expect, it } from 'vitest';
import { error, warning } from '../../src/problems.js';
import { printProblems } from '../../src/cli/report.js';

describe('problem printing', () => {
  it('lists at most `limit` problems, then how many more, then the count of all', () => {
    let out = '';
    const stream = { write: (s: string) => ((out += s), true) } as unknown as NodeJS.WritableStream;
    const problems = [error('a.csv', 'bad', { line: 2 }), warning('a.csv', 'odd', { line: 3 }), error('a.csv', 'bad', { line: 4 }), warning('a.csv', 'odd', { line: 5 })];
    printProblems(problems, { stream, limit: 2 });
    expect(out).toBe('a.csv:2: error: bad\na.csv:3: warning: odd\n... and 2 more\n2 errors, 2 warnings\n');
    out = '';
    printProblems(problems.slice(0, 1), { stream });
    expect(out).toBe('a.csv:2: error: bad\n1 error\n');
  });
});


import { describe, expect, it } from 'vitest';
import { error, warning } from '../../src/problems.js';
import { SmtpUrlMissing, SubscriberDuplicate, SubscribersCsvInvalid } from '../../src/problem-catalogue.js';
import { printProblems } from '../../src/util/print-problems.js';

describe('problem printing', () => {
  it('lists at most `limit` problems, then how many more, then the count of all', () => {
    let out = '';
    const stream = { write: (s: string) => ((out += s), true) } as unknown as NodeJS.WritableStream;
    const bad = (line: number) => error('a.csv', SubscribersCsvInvalid, ['bad'], { line });
    const odd = (line: number) => warning('a.csv', SubscriberDuplicate, ['x@example.com'], { line });
    const problems = [bad(2), odd(3), bad(4), odd(5)];
    printProblems(problems, { stream, limit: 2 });
    expect(out).toBe(
      'a.csv:2: error[BW_SUBSCRIBERS_CSV]: not valid CSV: bad\n' +
        'a.csv:3: warning[BW_SUBSCRIBER_DUPLICATE]: skipped: duplicate of an earlier row (x@example.com)\n' +
        '... and 2 more\n2 errors, 2 warnings\n',
    );
    out = '';
    printProblems([error('SMTP_URL', SmtpUrlMissing)], { stream });
    expect(out).toBe(`SMTP_URL: error[BW_SMTP_URL_MISSING]: is not set\n  hint: ${SmtpUrlMissing.hint}\n1 error\n`);
  });
});


import { describe, expect, it } from 'vitest';
import { dkimAlignmentProblem } from '../../../src/deliver/transport/dkim.js';
import { formatProblem } from '../../../src/problems.js';

describe('DKIM settings', () => {
  it('warns when the DKIM domain does not align with the From domain', () => {
    const key = (domainName: string) => ({ domainName, keySelector: 's', privateKey: 'k' });
    expect(dkimAlignmentProblem(key('Example.com'), 'example.com')).toBeNull();
    expect(dkimAlignmentProblem(key('example.com'), 'news.example.com')).toBeNull();
    expect(dkimAlignmentProblem(key('mail.example.com'), 'example.com')).toBeNull();
    const p = dkimAlignmentProblem(key('esp.example'), 'example.com');
    expect(p && formatProblem(p)).toBe('DKIM_DOMAIN: warning[BW_DKIM_MISALIGNED]: esp.example does not match the From domain example.com; DMARC will not count this signature');
    expect(dkimAlignmentProblem(key('ample.com'), 'example.com')).not.toBeNull();
  });
});

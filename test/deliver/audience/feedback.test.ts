/** The bounce and complaint rules, and the idempotent event log. */
import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { applyFeedback, feedbackFile, judgeFeedback, type FeedbackEvent } from '../../../src/deliver/audience/feedback.js';
import { SuppressionList } from '../../../src/deliver/audience/suppression.js';
import { tempDir } from '../../support/fixtures.js';

let state: string;
beforeEach(async () => {
  state = path.join(await tempDir('bw-feedback-'), 'state');
});
afterEach(async () => {
  await rm(path.dirname(state), { recursive: true, force: true });
});

describe('suppression rules', () => {
  const soft = (at: string, id: string): FeedbackEvent => ({ id, kind: 'soft-bounce', address: 'x@example.com', at, via: 'dsn' });

  it('three soft bounces suppress only when they fall within 30 days', () => {
    expect(judgeFeedback(soft('2025-03-20T00:00:00Z', 'c'), ['2025-03-01T00:00:00Z', '2025-03-10T00:00:00Z'])).toBe('soft-bounce');
    expect(judgeFeedback(soft('2025-04-20T00:00:00Z', 'c'), ['2025-03-01T00:00:00Z', '2025-04-10T00:00:00Z'])).toEqual({ softBounces: 2 });
  });

  it('applying the same event twice records it once', async () => {
    const e: FeedbackEvent = { id: '<r1@mx> a@example.com', kind: 'hard-bounce', address: 'A@example.com', at: '2025-03-10T00:00:00Z', via: 'dsn', status: '5.1.1' };
    expect(await applyFeedback(state, [e])).toEqual([{ kind: 'suppressed', reason: 'hard-bounce' }]);
    expect(await applyFeedback(state, [e])).toEqual([{ kind: 'duplicate' }]);
    expect((await readFile(feedbackFile(state), 'utf8')).trim().split('\n')).toHaveLength(1);
    const list = await SuppressionList.load(state);
    expect(list.ok && list.value.reasonOf('a@example.com')).toBe('hard-bounce');
  });
});


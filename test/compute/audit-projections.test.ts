import { describe, expect, it } from 'vitest';
import { auditFindings } from '../support/audit.js';
import { METRICS_YML } from '../support/fixtures.js';

/** METRICS_YML (share_a, market, price_index) and a derived share of the market. */
const WITH_DERIVED = `${METRICS_YML}market_a:
  label: Market of A
  kind: money
  unit: CNY bn
  decimals: 1
  better: up
  derived: "market * share_a / 100"
`;

/** A brief whose frontmatter holds `more` (projections) before its metrics; line 3 is the first line of `more`. */
function brief(metrics: string[], more = ''): string {
  return `---\ntitle: T\n${more}metrics:\n${metrics.map((m) => `  ${m}`).join('\n')}\n---\nIntro.\n\n## Section\n\nText.\n`;
}

/** One projection of `key` as frontmatter from line 3: its fields from line 5, the horizon on line 7. */
function projection(key: string, fields: { method?: string; rate: string; to: string; extra?: string[] }): string {
  const lines = ['projections:', `  ${key}:`, `    method: ${fields.method ?? 'growth'}`, `    rate: ${fields.rate}`, `    to: ${fields.to}`, ...(fields.extra ?? []), '    assumption: "As stated"'];
  return `${lines.join('\n')}\n`;
}

/** The audit's findings as `briefwire check` prints them, paths relative to the content folder. */
function findings(briefs: Record<string, string>, metrics = METRICS_YML): Promise<string[]> {
  return auditFindings(briefs, metrics);
}

describe("check's findings on projections", () => {
  it('warning: a projection from an older actual than one the metric has, at the projection', async () => {
    const f = await findings({
      '2025-01-06.md': brief(['market: { value: 20.83, period: 2024, source: Omdia }']),
      '2026-01-26.md': brief(['market: { value: 56.7, period: 2025, source: Omdia }'], projection('market', { rate: '26.8', to: '2030', extra: ['    base: { period: 2024 }'] })),
    });
    expect(f).toEqual(['editions/2026-01-26.md:4:3: warning[BW_PROJECTION_STALE_BASE]: projection of "market" starts from 2024 (20.83), but 2025 (56.7) was reported on 2026-01-26']);
  });

  it('the same projection from the latest actual is not a finding', async () => {
    const f = await findings({
      '2025-01-06.md': brief(['market: { value: 20.83, period: 2024, source: Omdia }']),
      '2026-01-26.md': brief(['market: { value: 56.7, period: 2025, source: Omdia }'], projection('market', { rate: '26.8', to: '2030' })),
    });
    expect(f).toEqual([]);
  });

  it('error: a share projected past 100 without a cap, for each scenario that passes it; with cap: 100 none', async () => {
    const share = (extra: string[] = []) => brief(['share_a: { value: 90, period: H1 2025 }'], projection('share_a', { method: 'linear', rate: '{ low: 4, base: 10, high: 30 }', to: 'H2 2026', extra }));
    expect(await findings({ '2025-09-15.md': share() })).toEqual([
      // Each scenario's first point past 100: 90 + 10 x 1.5 years = 105 (100 at one year is not past it); 90 + 30 x 0.5 = 105.
      // 90 + 4 x 1.5 = 96 stays under.
      'editions/2025-09-15.md:4:3: error[BW_PROJECTION_OVER_100]: projection of "share_a": scenario "base" passes 100 (105.0000000000 in H2 2026) and the projection has no cap',
      'editions/2025-09-15.md:4:3: error[BW_PROJECTION_OVER_100]: projection of "share_a": scenario "high" passes 100 (105.0000000000 in H2 2025) and the projection has no cap',
    ]);
    expect(await findings({ '2025-09-15.md': share(['    cap: 100']) })).toEqual([]);
  });

  it('warning: a reaches value the base is already past in a scenario\'s direction, naming the scenarios that never reach it', async () => {
    const share = (reaches: string) => brief(['share_a: { value: 30, period: 2025 }'], projection('share_a', { method: 'linear', rate: '{ low: -2, base: 5 }', to: '2030', extra: ['    cap: 100', `    reaches: ${reaches}`] }));
    // Falling by 2 a year, the low case reaches 20 (in 2030); rising by 5, the base case moves away from it.
    expect(await findings({ '2026-01-26.md': share('20') })).toEqual([
      'editions/2026-01-26.md:4:3: warning[BW_PROJECTION_REACHES_BEHIND]: projection of "share_a": reaches 20 is already behind the base 30 (2025) for scenario "base", which moves away from it: it never reaches it',
    ]);
    // 50: the base case gets there (in 2029); the low case, falling, moves away from it.
    expect(await findings({ '2026-01-26.md': share('50') })).toEqual([
      'editions/2026-01-26.md:4:3: warning[BW_PROJECTION_REACHES_BEHIND]: projection of "share_a": reaches 50 is already behind the base 30 (2025) for scenario "low", which moves away from it: it never reaches it',
    ]);
  });

  it('error at the "to" line: a horizon of another length than the base, or one that does not end after it', async () => {
    const f = await findings({
      '2026-01-26.md': brief(['market: { value: 56.7, period: 2025, source: Omdia }'], projection('market', { rate: '26.8', to: 'Q4 2030' })),
      '2026-02-02.md': brief(['share_a: { value: 38.1, period: 2025 }'], projection('share_a', { method: 'linear', rate: '2', to: '2024', extra: ['    cap: 100'] })),
    });
    expect(f).toEqual([
      expect.stringMatching(/^editions\/2026-01-26\.md:7:9: error\[BW_PROJECTION_HORIZON\]: projection of "market": "to" Q4 2030 is a quarter, but the base 2025 is a year/),
      expect.stringMatching(/^editions\/2026-02-02\.md:7:9: error\[BW_PROJECTION_HORIZON\]: projection of "share_a": .*does not end after the base/),
    ]);
  });
});

describe("check's findings on derived metrics", () => {
  it('warning: the inputs an edition reports are for different periods, naming them; an input with no observation for the period likewise', async () => {
    const f = await findings({
      '2025-09-15.md': brief(['share_a: { value: 35.8, period: H1 2025 }', 'market: { value: 51.8, period: 2025E, source: Omdia }']),
      '2026-01-26.md': brief(['share_a: { value: 38.1, period: 2025 }']),
      // The market for 2025 meets the share reported for 2025 a week earlier: a value, no finding.
      '2026-02-02.md': brief(['market: { value: 56.7, period: 2025, source: Omdia }']),
    }, WITH_DERIVED);
    expect(f).toEqual([
      'editions/2025-09-15.md:5:11: warning[BW_DERIVED_NO_VALUE]: derived metric "market_a" has no value in this edition: the inputs it reports are for different periods or bases: market for 2025E (2025 forecast), forecast, share_a for H1 2025, actual',
      'editions/2026-01-26.md:4:12: warning[BW_DERIVED_NO_VALUE]: derived metric "market_a" has no value in this edition: share_a for 2025, actual is reported, but market has no observation for 2025, actual in this edition or an earlier one',
    ]);
  });

  it('warning: a zero divisor in the data gives no value, naming the inputs', async () => {
    const perPoint = `${METRICS_YML}market_per_point:\n  label: Market per point of share\n  kind: money\n  unit: CNY bn\n  decimals: 1\n  better: up\n  derived: "market / share_a"\n`;
    const f = await findings({
      '2025-09-15.md': brief(['share_a: { value: 0, period: 2025 }', 'market: { value: 56.7, period: 2025, source: Omdia }']),
      '2026-01-26.md': brief(['share_a: { value: 0.5, period: 2026 }', 'market: { value: 60, period: 2026, source: Omdia }']),
    }, perPoint);
    expect(f).toEqual(['editions/2025-09-15.md:5:11: warning[BW_DERIVED_ZERO_DIVISOR]: derived metric "market_per_point" has no value in this edition: it divides by zero (market = 56.7, share_a = 0)']);
  });

  it('a derived share of a group is not counted again in the group\'s sum: its inputs are', async () => {
    const share = (key: string, more = '') => `${key}:\n  label: ${key}\n  kind: share\n  unit: "%"\n  decimals: 1\n  better: up\n  source: Omdia\n  group: Market share\n${more}`;
    const metrics = `${share('share_a')}${share('share_b')}${share('share_ab', '  derived: "share_a + share_b"\n')}`;
    // 35.8 + 14.8 = 50.6, and 101.2 counted with their sum.
    expect(await findings({ '2025-09-15.md': brief(['share_a: { value: 35.8, period: H1 2025 }', 'share_b: { value: 14.8, period: H1 2025 }']) }, metrics)).toEqual([]);
    expect(await findings({ '2025-09-15.md': brief(['share_a: { value: 85.8, period: H1 2025 }', 'share_b: { value: 14.8, period: H1 2025 }']) }, metrics)).toEqual([
      'editions/2025-09-15.md:4:12: error[BW_AUDIT_SHARES_OVER_100]: shares in group "Market share" for H1 2025 (actual) add up to 100.6%, over 100%: share_a 85.8, share_b 14.8',
    ]);
  });
});

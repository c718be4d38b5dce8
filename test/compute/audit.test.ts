import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { auditContent } from '../../src/compute/audit.js';
import { loadContent } from '../../src/content/load.js';
import { auditFindings } from '../support/audit.js';

const METRICS = `share_a:
  label: Share A
  kind: share
  unit: "%"
  decimals: 1
  better: up
  source: Omdia
  group: Market share
share_b:
  label: Share B
  kind: share
  unit: "%"
  decimals: 1
  better: up
  source: Omdia
  group: Market share
share_c:
  label: Share C (another group)
  kind: share
  unit: "%"
  decimals: 1
  better: up
  source: Omdia
market:
  label: Market size
  kind: money
  unit: CNY bn
  decimals: 1
  better: up
`;

function brief(metrics: string[], more = '', body = 'Intro.\n\n## Section\n\nText.\n'): string {
  return `---\ntitle: T\n${more}metrics:\n${metrics.map((m) => `  ${m}`).join('\n')}\n---\n${body}`;
}

/** Audit findings of a content folder as the CLI prints them, paths relative to the folder. */
function audit(briefs: Record<string, string>): Promise<string[]> {
  return auditFindings(briefs, METRICS);
}

describe('numbers audit', () => {
  it('the sample newsletter passes without findings, its derived combined share included', async () => {
    const loaded = await loadContent('content', { includeDrafts: true });
    if (!loaded.ok) throw new Error('sample does not load');
    const findings = auditContent(loaded.value).map((p) => `${path.basename(p.file)}:${p.line} ${p.severity}[${p.code}]`);
    expect(findings).toEqual([]);
  });

  it('error: a scaffold placeholder left in a brief that is not a draft, at its line and column', async () => {
    const findings = await audit({
      '2025-01-06.md': brief(['market: { value: 1, period: Q1 2025, source: X }'], '', 'Intro.\n\n## TODO: first section\n\nText TODO.\n'),
      // A draft may hold placeholders: it is not built or sent.
      '2025-01-13.md': brief(['market: { value: 1, period: Q2 2025, source: X }'], 'draft: true\n', 'TODO\n'),
    });
    expect(findings).toEqual([
      'editions/2025-01-06.md:8:4: error[BW_AUDIT_PLACEHOLDER]: scaffold placeholder "TODO" left in a brief that is not a draft',
      'editions/2025-01-06.md:10:6: error[BW_AUDIT_PLACEHOLDER]: scaffold placeholder "TODO" left in a brief that is not a draft',
    ]);
  });

  it('error: shares of one group, period and basis adding up to over 100%, with earlier values counted', async () => {
    const findings = await audit({
      '2025-01-06.md': brief(['share_a: { value: 60.2, period: H1 2025 }']),
      '2025-01-13.md': brief(['share_b: { value: 40.0, period: H1 2025 }', 'share_c: { value: 70, period: H1 2025 }']),
    });
    // 60.2 + 40.0 = 100.2; each may be 0.05 high, so up to 100.1 is rounding.
    expect(findings).toEqual([
      'editions/2025-01-13.md:4:12: error[BW_AUDIT_SHARES_OVER_100]: shares in group "Market share" for H1 2025 (actual) add up to 100.2%, over 100%: share_a 60.2, share_b 40.0',
    ]);
  });

  it('within rounding slack (half a unit of each last written digit) is not an error; another period or basis is a separate sum', async () => {
    const findings = await audit({
      '2025-01-06.md': brief(['share_a: { value: 60.05, period: H1 2025 }', 'share_b: { value: 40.0, period: H1 2025 }']),
      '2025-01-13.md': brief(['share_a: { value: 70, period: H2 2025 }', 'share_b: { value: 40, period: 2025E }']),
    });
    expect(findings).toEqual([]);
  });

  it('warning: a like-for-like change of 10x or more, or to a tenth or less: possible unit or decimal slip', async () => {
    const findings = await audit({
      '2025-01-06.md': brief(['market: { value: 56.7, period: Q1 2025, source: Omdia }']),
      '2025-01-13.md': brief(['market: { value: 567, period: Q2 2025, source: Omdia }']),
      '2025-01-20.md': brief(['market: { value: 5.67, period: Q3 2025, source: Omdia }']),
      // A quarter after a year is not like for like: no warning however large the gap.
      '2025-01-27.md': brief(['market: { value: 5000, period: 2025, source: Omdia }']),
    });
    expect(findings).toEqual([
      'editions/2025-01-13.md:4:11: warning[BW_AUDIT_SLIP]: metric "market" is 10x or more of the figure it is compared with (567 against 56.7 reported on 2025-01-06): possible unit or decimal slip',
      'editions/2025-01-20.md:4:11: warning[BW_AUDIT_SLIP]: metric "market" is a 10th or less of the figure it is compared with (5.67 against 567 reported on 2025-01-13): possible unit or decimal slip',
    ]);
  });

  it('warning: an observation with no source (neither its own nor the metric\'s)', async () => {
    const findings = await audit({ '2025-01-06.md': brief(['market: { value: 3, period: 2024 }', 'share_a: 20']) });
    expect(findings).toEqual(['editions/2025-01-06.md:4:11: warning[BW_AUDIT_NO_SOURCE]: metric "market" has no source']);
  });

  it('warning: a period that goes backwards for the same basis without a note', async () => {
    const findings = await audit({
      '2025-01-06.md': brief(['market: { value: 10, period: Q2 2025, source: X }']),
      '2025-01-13.md': brief(['market: { value: 9, period: Q1 2025, source: X }']),
      '2025-01-20.md': brief(['market: { value: 9.5, period: Q1 2025, source: X, note: restated by the company }']),
      // A forecast for an earlier period than an actual is a different basis: not backwards.
      '2025-01-27.md': brief(['market: { value: 8, period: Q4 2024E, source: X }']),
    });
    expect(findings).toEqual([
      'editions/2025-01-13.md:4:11: warning[BW_AUDIT_PERIOD_BACKWARDS]: metric "market": period Q1 2025 ends before Q2 2025, reported on 2025-01-06',
    ]);
  });

  it('warning: a flow written without a period, saying how to write one; a stock or ratio at the edition date is fine', async () => {
    const findings = await audit({ '2025-01-06.md': brief(['market: 39.8', 'share_a: 20']) });
    expect(findings).toHaveLength(2);
    expect(findings).toContain(
      'editions/2025-01-06.md:4:11: warning[BW_AUDIT_FLOW_NO_PERIOD]: metric "market" is an amount over a period (a flow) but 39.8 has no period: it counts as a figure at the edition date and compares with nothing reported for a quarter or a year',
    );
    expect(findings.filter((f) => f.includes('BW_AUDIT_NO_SOURCE'))).toHaveLength(1);
  });

  it('warning: a subject whose {{delta}} is not a change (here, quarters a year and a half apart), at the subject line', async () => {
    const subject = (key: string) => `subject: "Market {{delta \\"${key}\\"}} — Weekly"\n`;
    const findings = await audit({
      '2025-01-06.md': brief(['market: { value: 33.4, period: Q1 2025, source: X }', 'share_a: { value: 20, period: Q1 2025 }']),
      '2025-01-13.md': brief(['market: { value: 39.8, period: Q3 2026, source: X }', 'share_a: { value: 21, period: Q3 2026 }'], subject('market')),
      // A change (a ratio keeps its reference) and a metric not reported are not this warning's business.
      '2025-01-20.md': brief(['share_a: { value: 22, period: Q4 2026 }'], subject('share_a')),
    });
    expect(findings).toEqual([
      'editions/2025-01-13.md:3:undefined: warning[BW_AUDIT_SUBJECT_DELTA]: the subject\'s {{delta "market"}} is not a change in this edition (its status is not-comparable): the subject would carry the table\'s words for it, not a move',
    ]);
  });
});

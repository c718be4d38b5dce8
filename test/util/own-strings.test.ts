import { expect, test } from 'vitest';
import { ownStrings } from '../../src/util/own-strings.js';

test('ownStrings copies plain data whole: same values, new objects and arrays, numbers, booleans and nulls kept', () => {
  const text = `---\ntitle: A title cut from a file\nsource: Omdia\n---\n${'body '.repeat(200)}`;
  const brief = {
    title: text.slice(11, 35),
    body: text.slice(text.lastIndexOf('---') + 4),
    metrics: [{ key: 'alibaba_cloud_share', value: '38.10', period: { label: 'FY2025', start: '2025-01-01' }, line: 6, draft: false, note: null }],
    empty: '',
  };
  const own = ownStrings(brief);
  expect(own).toEqual(brief);
  expect(own).not.toBe(brief);
  expect(own.metrics).not.toBe(brief.metrics);
  expect(own.metrics[0]!.period).not.toBe(brief.metrics[0]!.period);
  expect(own.title).toBe('A title cut from a file\n');
  expect(own.body.length).toBe(1000);
});

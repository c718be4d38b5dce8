// Derives the expectations for the bounce corpus (test/fixtures/bounces/sisimai/) from
// go-sisimai's fact/*_test.go tables: for each public sample (maildir/bsd/<file>.eml), one row
// per recipient with sisimai's status, reply code, reason, hard-bounce flag and feedback type.
// Usage: node scripts/sisimai-expectations.mjs <go-sisimai fact dir> <go-sisimai commit> > expectations.json
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

const [dir, commit] = process.argv.slice(2);
if (!dir || !commit) throw new Error('usage: sisimai-expectations.mjs <fact dir> <commit>');
const ROW = /\{"(\d+)",\s*(\d+),\s*"([^"]*)",\s*"([^"]*)",\s*"([^"]*)",\s*(true|false),\s*"([^"]*)"\}/g;
const files = {};
for (const name of readdirSync(dir).filter((n) => n.endsWith('_test.go')).sort()) {
  const src = readFileSync(path.join(dir, name), 'utf8');
  const fn = /func Test(Lhost|Rhost)?(\w+)\(/.exec(src);
  const pub = /publiclist := \[\]\[\]IsExpected\{([\s\S]*?)\};\s*EngineTest\(t, "([^"]+)", publiclist, true\)/.exec(src);
  if (!fn || !pub) continue;
  const prefix = fn[1] ? `${fn[1].toLowerCase()}-` : '';
  for (const m of pub[1].matchAll(ROW)) {
    const file = `${prefix}${pub[2].toLowerCase()}-${m[1]}.eml`;
    const rows = (files[file] ??= []);
    const index = Number(m[2]);
    if (rows.some((r) => r.index === index)) continue; // a row the table repeats
    rows.push({ index, status: m[3], replyCode: m[4], reason: m[5], hardBounce: m[6] === 'true', feedbackType: m[7] });
  }
}
const out = { origin: { repository: 'https://github.com/sisimai/go-sisimai', commit, tables: 'fact/*_test.go (publiclist)', license: 'BSD-2-Clause' }, files };
process.stdout.write(JSON.stringify(out, null, 1) + '\n');

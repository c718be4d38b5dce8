/**
 * The whole way through: the sample newsletter built by the real build, sent
 * by the compiled CLI to a real smtp-server on loopback with DKIM signing on,
 * and the signature checked by a real DKIM verifier (mailauth) against the
 * public key a DNS TXT record would publish. Header presence proves nothing
 * about a signature; only verifying it does.
 */
import { generateKeyPairSync } from 'node:crypto';
import { cp, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { dkimVerify } from 'mailauth/lib/dkim/verify.js';
import { describe, expect, it } from 'vitest';
import { build } from '../../src/pipeline/build.js';
import { builtEditionDir, EDITION_JSON, EDITION_JSON_VERSION, parseEditionJson } from '../../src/render/out-layout.js';
import { SAMPLE_CONTENT, SAMPLE_TEMPLATES } from '../support/fixtures.js';
import { expectEachReceivedOnce, headerValues, parse, useCliSandbox, writeSubscribers } from '../support/deliver.js';

const box = useCliSandbox();

const DOMAIN = 'aicloudweekly.example';
const SELECTOR = 'bw2026';

/** A fresh RSA key: the private half as a PEM file for DKIM_PRIVATE_KEY_FILE, the public half as its DNS TXT record. */
async function dkimKey(dir: string): Promise<{ keyFile: string; txt: string }> {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const keyFile = path.join(dir, 'dkim.pem');
  await writeFile(keyFile, privateKey.export({ type: 'pkcs8', format: 'pem' }));
  const spki = publicKey.export({ type: 'spki', format: 'der' }).toString('base64');
  return { keyFile, txt: `v=DKIM1; k=rsa; p=${spki}` };
}

/** DNS as a verifier would see it: only our selector's record exists. */
function resolverFor(txt: string) {
  return async (name: string, type: string): Promise<string[][]> => {
    if (type === 'TXT' && name === `${SELECTOR}._domainkey.${DOMAIN}`) return [[txt]];
    throw Object.assign(new Error(`no ${type} record for ${name}`), { code: 'ENOTFOUND' });
  };
}

/** A copy of `raw` with the first byte of `needle` (its first occurrence from `from` on) replaced by `by`. */
function tamper(raw: Buffer, needle: string, from: number, by: string): Buffer {
  const at = raw.indexOf(needle, from);
  expect(from >= 0 && at >= 0, `${needle} in the message`).toBe(true);
  const copy = Buffer.from(raw);
  copy[at] = by.charCodeAt(0);
  expect(copy.equals(raw)).toBe(false);
  return copy;
}

describe('send end to end: built sample, real SMTP, DKIM verified', () => {
  it('mails the newest sample edition signed so a verifier passes it, and a one-byte change fails it', async () => {
    const p = box.paths();
    const templates = path.join(box.dir, 'templates');
    await cp(SAMPLE_CONTENT, p.content, { recursive: true });
    await cp(SAMPLE_TEMPLATES, templates, { recursive: true });
    const built = await build({ contentDir: p.content, templatesDir: templates, outDir: p.out });
    expect(built.ok, JSON.stringify(built.problems)).toBe(true);
    const date = (await readdir(path.join(p.out, 'editions'))).sort().at(-1)!;
    const parsed = parseEditionJson(await readFile(path.join(builtEditionDir(p.out, date), EDITION_JSON), 'utf8'));
    if (!parsed.ok || parsed.value.version !== EDITION_JSON_VERSION) throw new Error(`edition.json of ${date}: ${JSON.stringify(parsed)}`);
    const edition = parsed.value;

    const reported = edition.metrics.filter((m) => m.valueText !== null);
    expect(reported.length).toBeGreaterThan(0);

    const readers = await writeSubscribers(p.subscribers, 2);
    const { keyFile, txt } = await dkimKey(box.dir);
    const sent = await box.run(
      box.sendArgs('latest'),
      box.env({ DKIM_DOMAIN: DOMAIN, DKIM_SELECTOR: SELECTOR, DKIM_PRIVATE_KEY_FILE: keyFile }),
    );
    expect(sent.code, sent.stderr).toBe(0);
    expectEachReceivedOnce(box.sink, readers.length);

    const resolver = resolverFor(txt);
    for (const { raw } of box.sink.received) {
      const verified = await dkimVerify(raw, { resolver });
      expect(verified.results).toHaveLength(1);
      const [signature] = verified.results;
      expect(signature!.status.result, signature!.info).toBe('pass');
      expect(signature!.signingDomain).toBe(DOMAIN);
      expect(signature!.selector).toBe(SELECTOR);
      expect(signature!.status.aligned).toBe(DOMAIN);

      // A figure changed in transit: the body hash no longer matches (mailauth reports that as neutral, RFC 8601).
      const figure = reported[0]!.valueText!;
      const body = raw.indexOf('\r\n\r\n');
      const [bodyChanged] = (await dkimVerify(tamper(raw, figure, body, figure[0] === '9' ? '8' : '9'), { resolver })).results;
      expect(bodyChanged!.status.result).not.toBe('pass');
      expect(bodyChanged!.status.comment).toBe('body hash did not verify');
      // List-Unsubscribe is signed too: a relay that rewrote it would break the signature.
      const unsubscribe = raw.indexOf('List-Unsubscribe:');
      const [headerChanged] = (await dkimVerify(tamper(raw, 'https://aicloudweekly.example/unsubscribe', unsubscribe, 'H'), { resolver })).results;
      expect(headerChanged!.status.result).toBe('fail');

      const mail = await parse(raw);
      expect(mail.subject).toBe(edition.subject);
      expect(headerValues(mail, 'List-Id')).toEqual(['"AI Cloud Weekly" <ai-cloud-weekly.aicloudweekly.example>']);
      expect(headerValues(mail, 'List-Unsubscribe-Post')).toEqual(['List-Unsubscribe=One-Click']);
      expect(headerValues(mail, 'List-Unsubscribe')).toEqual([expect.stringMatching(/^<https:\/\/aicloudweekly\.example\/unsubscribe\?token=[^>]+>, <mailto:brief@aicloudweekly\.example\?subject=unsubscribe>$/)]);
      expect(mail.html).toBeTruthy();
      expect(mail.text).toBeTruthy();
      for (const m of reported) {
        expect(mail.text, m.key).toContain(m.valueText!);
        expect(mail.html as string, m.key).toContain(m.valueText!);
      }
      expect(mail.text).toContain(edition.title);
    }
  }, 180_000); // a real build of seven editions, then the CLI
});

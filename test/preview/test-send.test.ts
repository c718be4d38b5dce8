/**
 * The preview's "Send a test" button, over HTTP against a real smtp-server on
 * loopback: the edition page shows the form, its POST delivers the edition on
 * screen to the preview-only address, marked as a test.
 */
import { rm } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPreview, type PreviewServer } from '../../src/preview/server.js';
import { silentLogger } from '../../src/preview/reporter.js';
import { copySample } from '../support/fixtures.js';
import { parse, SECRET, startSink, type Sink } from '../support/deliver.js';

const DATE = '2026-01-26';
let sample: Awaited<ReturnType<typeof copySample>>;
let sink: Sink;
let preview: PreviewServer;

beforeAll(async () => {
  sample = await copySample();
  sink = await startSink();
  preview = await startPreview({
    contentDir: sample.content,
    templatesDir: sample.templates,
    port: 0,
    logger: silentLogger,
    testSend: { to: 'writer@desk.example', env: { SMTP_URL: `smtp://127.0.0.1:${sink.port}`, UNSUBSCRIBE_SECRET: SECRET }, newsletterFile: `${sample.content}/newsletter.yml` },
  });
  await preview.ready;
}, 120_000);

afterAll(async () => {
  await preview?.close();
  await sink?.close();
  await rm(sample.root, { recursive: true, force: true });
});

describe('preview: send a test', () => {
  it('the edition page has the button, and pressing it delivers that edition to the preview-only address', async () => {
    const page = await (await fetch(new URL(`/editions/${DATE}/`, preview.url))).text();
    const form = /<form id="send-test"[^>]*method="post" action="([^"]+)"><button type="submit">Send a test to writer@desk\.example<\/button><\/form>/.exec(page);
    expect(form, 'the send-test form').not.toBeNull();

    const res = await fetch(new URL(form![1]!, preview.url), { method: 'POST', headers: { origin: new URL(preview.url).origin } });
    const body = await res.text();
    expect(res.status, body).toBe(200);
    expect(body).toContain(`Sent a test copy of ${DATE} to writer@desk.example`);
    expect(sink.received).toHaveLength(1);
    expect(sink.received[0]!.to).toEqual(['writer@desk.example']);
    const mail = await parse(sink.received[0]!.raw);
    const rendered = preview.state.rendered(DATE)!;
    expect(mail.subject).toBe(`[TEST] ${rendered.edition.subject}`);
    expect(mail.html).toContain(rendered.view.title.split(':')[0]);
    // The unsubscribe link is a real, sealed one, not the placeholder or the preview's fragment.
    expect(mail.html).toMatch(/unsubscribe\?token=[A-Za-z0-9_-]{40,}/);
  });

  it('a POST from another origin is refused and sends nothing', async () => {
    const before = sink.received.length;
    const res = await fetch(new URL(`/editions/${DATE}/send-test`, preview.url), { method: 'POST', headers: { origin: 'https://evil.example' } });
    expect(res.status).toBe(403);
    expect(sink.received).toHaveLength(before);
  });
});

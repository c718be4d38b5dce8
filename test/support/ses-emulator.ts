/**
 * A local SES v2 API for tests: aws-ses-v2-local (from npm) on loopback, with
 * a small recording proxy in front. The emulator keeps what it parsed out of
 * each raw message but not every header; the proxy keeps the raw MIME as SES
 * received it (so tests can read List-Unsubscribe and friends) and can
 * misbehave on cue (refuse, throttle, or drop the connection after the
 * request was sent).
 */
import { createServer, request, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import sesLocalModule from 'aws-ses-v2-local';

// A CommonJS module whose function is its `default` export; depending on the loader's interop the
// default import is that function or the whole module.
type StartEmulator = typeof sesLocalModule.default;
const loaded = sesLocalModule as unknown as StartEmulator | { default: StartEmulator };
const sesLocal: StartEmulator = typeof loaded === 'function' ? loaded : loaded.default;

export type SesFault = 'reject' | 'throttle' | 'drop' | void;

export interface SesEmulator {
  /** The endpoint for AWS_ENDPOINT_URL_SESV2. */
  url: string;
  /** Raw MIME of every SendEmail the emulator accepted, in order. */
  accepted: Buffer[];
  /** Decides per request, by the raw message, whether to misbehave. */
  fault: (raw: Buffer) => SesFault;
  /** Emails in the emulator's own store. */
  store(): Promise<{ messageId: string; destination: { to: string[] }; subject: string }[]>;
  reset(): Promise<void>;
  close(): Promise<void>;
}

/** The account GetAccount reports (the emulator reads it from the environment). */
export const EMULATED_ACCOUNT = {
  DedicatedIpAutoWarmupEnabled: false,
  Details: { AdditionalContactEmailAddresses: [], ContactLanguage: 'EN', MailType: 'MARKETING', ReviewDetails: { CaseId: 'x', Status: 'GRANTED' }, UseCaseDescription: 'newsletter', WebsiteURL: 'https://aicloudweekly.example' },
  EnforcementStatus: 'HEALTHY',
  ProductionAccessEnabled: true,
  SendingEnabled: true,
  SendQuota: { Max24HourSend: 50000, MaxSendRate: 14, SentLast24Hours: 0 },
  SuppressionAttributes: { SuppressedReasons: [] },
};

export async function startSesEmulator(): Promise<SesEmulator> {
  process.env['AWS_SES_ACCOUNT'] = JSON.stringify(EMULATED_ACCOUNT);
  const upstream: Server = await sesLocal({ host: '127.0.0.1', port: 0 });
  const upstreamPort = (upstream.address() as AddressInfo).port;
  const emu: Partial<SesEmulator> & { accepted: Buffer[]; fault: SesEmulator['fault'] } = { accepted: [], fault: () => undefined };

  const proxy = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      let raw: Buffer | null = null;
      if (req.method === 'POST' && req.url?.startsWith('/v2/email/outbound-emails')) {
        try {
          const data = (JSON.parse(body.toString('utf8')) as { Content?: { Raw?: { Data?: string } } }).Content?.Raw?.Data;
          raw = data ? Buffer.from(data, 'base64') : null;
        } catch {
          raw = null;
        }
      }
      const fault = raw ? emu.fault(raw) : undefined;
      if (fault === 'drop') {
        req.socket.destroy();
        return;
      }
      if (fault === 'reject' || fault === 'throttle') {
        const [status, type, message] =
          fault === 'reject' ? [400, 'MessageRejected', 'Email address is not verified.'] : [429, 'TooManyRequestsException', 'Maximum sending rate exceeded.'];
        res.writeHead(status, { 'content-type': 'application/json', 'x-amzn-errortype': type, 'x-amzn-requestid': 'req-1' });
        res.end(JSON.stringify({ message }));
        return;
      }
      const up = request(
        { host: '127.0.0.1', port: upstreamPort, method: req.method, path: req.url, headers: req.headers },
        (upRes: IncomingMessage) => {
          if (raw && upRes.statusCode === 200) emu.accepted.push(raw);
          res.writeHead(upRes.statusCode ?? 502, upRes.headers);
          upRes.pipe(res);
        },
      );
      up.on('error', () => res.destroy());
      up.end(body);
    });
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', () => resolve()));
  const url = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
  const upstreamUrl = `http://127.0.0.1:${upstreamPort}`;
  return Object.assign(emu, {
    url,
    async store() {
      const res = await fetch(`${upstreamUrl}/store`);
      return ((await res.json()) as { emails: Awaited<ReturnType<SesEmulator['store']>> }).emails;
    },
    async reset() {
      emu.accepted.length = 0;
      emu.fault = () => undefined;
      await fetch(`${upstreamUrl}/clear-store`, { method: 'POST' });
    },
    close: async () => {
      proxy.closeAllConnections();
      upstream.closeAllConnections();
      await Promise.all([new Promise((r) => proxy.close(r)), new Promise((r) => upstream.close(r))]);
    },
  }) as SesEmulator;
}

/** Environment that points the CLI (or the SDK in-process) at the emulator. */
export function sesEnv(emu: SesEmulator): Record<string, string> {
  return {
    MAIL_TRANSPORT: 'ses',
    AWS_REGION: 'eu-west-1',
    AWS_ACCESS_KEY_ID: 'AKIAEMULATOR0000TEST',
    AWS_SECRET_ACCESS_KEY: 'emulator-secret-key-not-real-000000000000',
    AWS_ENDPOINT_URL_SESV2: emu.url,
  };
}

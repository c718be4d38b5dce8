/**
 * Amazon SNS message signatures, checked as Amazon's guidance asks before an
 * SNS message is acted on: SignatureVersion 1 (RSA with SHA1) and 2 (RSA with
 * SHA256) over the documented string to sign, against the X.509 certificate
 * at SigningCertURL. The certificate is fetched only over HTTPS and only from
 * an `sns.<region>.amazonaws.com` host, and kept: SNS signs with the same
 * certificate for months, so one fetch serves every message until it rotates.
 *
 * The string to sign is each field's name and value on lines of their own, in
 * this order, for the fields the message type signs:
 *   Notification:          Message, MessageId, Subject (if present), Timestamp, TopicArn, Type
 *   (Un)SubscriptionConfirmation: Message, MessageId, SubscribeURL, Timestamp, Token, TopicArn, Type
 */
import { createVerify, X509Certificate } from 'node:crypto';
import { get } from 'node:https';
import { jsonString, type JsonObject } from '../../util/json-shape.js';

const NOTIFICATION_FIELDS = ['Message', 'MessageId', 'Subject', 'Timestamp', 'TopicArn', 'Type'];
const CONFIRMATION_FIELDS = ['Message', 'MessageId', 'SubscribeURL', 'Timestamp', 'Token', 'TopicArn', 'Type'];
const ALGORITHMS: Record<string, string> = { '1': 'RSA-SHA1', '2': 'RSA-SHA256' };

/** Where signing certificates may come from. */
export interface SnsCertificateSource {
  /** Whether a SigningCertURL's host (with its port, if any) may be fetched. */
  allowHost: (host: string) => boolean;
  /** A CA to trust for that fetch beside the system's (tests serve a self-signed certificate on loopback). */
  ca?: string;
}

/** Amazon's SNS endpoints: `sns.<region>.amazonaws.com` (and `.com.cn` in China), default port. */
export const AMAZON_SNS: SnsCertificateSource = {
  allowHost: (host) => /^sns\.[a-z]{2}(-[a-z]+)+-\d\.amazonaws\.com(\.cn)?$/.test(host),
};

export type SnsVerdict = { ok: true } | { ok: false; why: string };

/** The string SNS signs for this message, or undefined when the message lacks a field it must have. */
export function snsStringToSign(message: JsonObject): string | undefined {
  const type = jsonString(message['Type']);
  const fields = type === 'Notification' ? NOTIFICATION_FIELDS : type === 'SubscriptionConfirmation' || type === 'UnsubscribeConfirmation' ? CONFIRMATION_FIELDS : undefined;
  if (!fields) return undefined;
  let out = '';
  for (const field of fields) {
    const value = message[field];
    if (field === 'Subject' && (value === undefined || value === null)) continue;
    if (typeof value !== 'string') return undefined;
    out += `${field}\n${value}\n`;
  }
  return out;
}

const MAX_CERTIFICATE_BYTES = 64 * 1024;
const MAX_CACHED = 16;

function download(url: URL, ca: string | undefined): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = get(url, { timeout: 10_000, ...(ca ? { ca } : {}) }, (res) => {
      if (res.statusCode !== 200) {
        res.resume();
        reject(new Error(`HTTP ${res.statusCode ?? '?'}`));
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        size += c.length;
        if (size > MAX_CERTIFICATE_BYTES) req.destroy(new Error('certificate larger than 64 KB'));
        else chunks.push(c);
      });
      res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', reject);
  });
}

export class SnsVerifier {
  private readonly certificates = new Map<string, Promise<X509Certificate>>();

  constructor(
    private readonly source: SnsCertificateSource = AMAZON_SNS,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** How many certificates were fetched and kept (for tests and the operator's curiosity). */
  get cached(): number {
    return this.certificates.size;
  }

  async verify(message: JsonObject): Promise<SnsVerdict> {
    const algorithm = ALGORITHMS[jsonString(message['SignatureVersion']) ?? ''];
    if (!algorithm) return { ok: false, why: `SignatureVersion must be 1 or 2 (got ${JSON.stringify(message['SignatureVersion'] ?? null)})` };
    const signature = jsonString(message['Signature']);
    if (!signature) return { ok: false, why: 'no Signature' };
    const signed = snsStringToSign(message);
    if (signed === undefined) return { ok: false, why: 'a field the signature covers is missing' };
    const url = this.certificateUrl(jsonString(message['SigningCertURL']));
    if (typeof url === 'string') return { ok: false, why: url };
    let certificate: X509Certificate;
    try {
      certificate = await this.certificate(url);
    } catch (e) {
      return { ok: false, why: `signing certificate not available (${(e as Error).message})` };
    }
    const now = this.now().getTime();
    if (now < Date.parse(certificate.validFrom) || now > Date.parse(certificate.validTo)) return { ok: false, why: 'signing certificate not valid now' };
    const good = createVerify(algorithm).update(signed, 'utf8').verify(certificate.publicKey, signature, 'base64');
    return good ? { ok: true } : { ok: false, why: 'signature does not match' };
  }

  private certificateUrl(value: string | undefined): URL | string {
    if (!value) return 'no SigningCertURL';
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      return 'SigningCertURL is not a URL';
    }
    if (url.protocol !== 'https:' || !this.source.allowHost(url.host) || !url.pathname.endsWith('.pem') || url.username || url.password) {
      return `SigningCertURL ${url.protocol}//${url.host}${url.pathname} is not an Amazon SNS certificate`;
    }
    return url;
  }

  private certificate(url: URL): Promise<X509Certificate> {
    const key = url.href;
    let pending = this.certificates.get(key);
    if (!pending) {
      if (this.certificates.size >= MAX_CACHED) this.certificates.delete(this.certificates.keys().next().value!);
      pending = download(url, this.source.ca).then((pem) => new X509Certificate(pem));
      // A failed fetch is not kept: the next message tries again.
      pending.catch(() => this.certificates.delete(key));
      this.certificates.set(key, pending);
    }
    return pending;
  }
}

/**
 * A stand-in for Amazon SNS's signing: a key and self-signed certificate made
 * with openssl, the certificate served over HTTPS on loopback (as SNS serves
 * SigningCertURL), and messages signed the way the SNS documentation
 * describes. The string to sign is built here on its own, from the
 * documentation, not with the code under test, so a mistake there fails.
 */
import { execFileSync } from 'node:child_process';
import { createSign } from 'node:crypto';
import { readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { SnsCertificateSource } from '../../src/deliver/serve/sns-signature.js';
import { tempDir } from './fixtures.js';

export interface SnsSigner {
  /** What the server under test may fetch from: this loopback host only, trusting this certificate. */
  source: SnsCertificateSource;
  certificateUrl: string;
  /** Requests the certificate server has answered. */
  fetches: () => number;
  sign: (message: Record<string, unknown>, version?: '1' | '2') => Record<string, unknown>;
  close: () => Promise<void>;
}

function documentedStringToSign(m: Record<string, unknown>): string {
  const fields =
    m['Type'] === 'Notification'
      ? ['Message', 'MessageId', ...(m['Subject'] !== undefined ? ['Subject'] : []), 'Timestamp', 'TopicArn', 'Type']
      : ['Message', 'MessageId', 'SubscribeURL', 'Timestamp', 'Token', 'TopicArn', 'Type'];
  return fields.map((f) => `${f}\n${String(m[f])}\n`).join('');
}

export async function startSnsSigner(): Promise<SnsSigner> {
  const dir = await tempDir('bw-sns-');
  const key = path.join(dir, 'key.pem');
  const cert = path.join(dir, 'cert.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '2', '-subj', '/CN=sns.test', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
  const [keyPem, certPem] = await Promise.all([readFile(key, 'utf8'), readFile(cert, 'utf8')]);
  let fetches = 0;
  const server: Server = createServer({ key: keyPem, cert: certPem }, (req, res) => {
    fetches++;
    if (req.url !== '/SimpleNotificationService-test.pem') {
      res.statusCode = 404;
      res.end();
      return;
    }
    res.setHeader('Content-Type', 'application/x-pem-file');
    res.end(certPem);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  const certificateUrl = `https://${host}/SimpleNotificationService-test.pem`;
  return {
    source: { allowHost: (h) => h === host, ca: certPem },
    certificateUrl,
    fetches: () => fetches,
    sign: (message, version = '1') => {
      const unsigned = { ...message, SignatureVersion: version, SigningCertURL: message['SigningCertURL'] ?? certificateUrl };
      const signature = createSign(version === '1' ? 'RSA-SHA1' : 'RSA-SHA256').update(documentedStringToSign(unsigned), 'utf8').sign(keyPem, 'base64');
      return { ...unsigned, Signature: signature };
    },
    close: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await rm(dir, { recursive: true, force: true });
    },
  };
}

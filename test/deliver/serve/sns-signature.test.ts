/**
 * Which SigningCertURL hosts the SNS verifier will fetch from, and messages
 * it refuses before fetching anything.
 */
import { describe, expect, it } from 'vitest';
import { AMAZON_SNS, SnsVerifier } from '../../../src/deliver/serve/sns-signature.js';

describe('SNS signing certificate hosts', () => {
  it('allows sns.<region>.amazonaws.com only', () => {
    for (const host of ['sns.eu-west-1.amazonaws.com', 'sns.us-east-1.amazonaws.com', 'sns.ap-southeast-2.amazonaws.com', 'sns.cn-north-1.amazonaws.com.cn', 'sns.us-gov-west-1.amazonaws.com']) {
      expect([host, AMAZON_SNS.allowHost(host)]).toEqual([host, true]);
    }
    for (const host of ['sns.amazonaws.com', 'sns.eu-west-1.amazonaws.com.evil.example', 'evil.example', 'sns.eu-west-1.amazonaws.com:8443', 'sqs.eu-west-1.amazonaws.com', 'xsns.eu-west-1.amazonaws.com', '127.0.0.1']) {
      expect([host, AMAZON_SNS.allowHost(host)]).toEqual([host, false]);
    }
  });

  it('refuses before any fetch: no signature, an unknown version, a foreign or plain-HTTP certificate URL', async () => {
    const verifier = new SnsVerifier();
    const base = { Type: 'Notification', MessageId: 'm', Message: '{}', Timestamp: '2025-03-10T09:02:12.345Z', TopicArn: 'arn:aws:sns:eu-west-1:1:t', SignatureVersion: '1', Signature: 'AAAA', SigningCertURL: 'https://sns.eu-west-1.amazonaws.com/SimpleNotificationService-x.pem' };
    const cases: [Record<string, unknown>, string][] = [
      [{ ...base, Signature: undefined }, 'no Signature'],
      [{ ...base, SignatureVersion: '3' }, 'SignatureVersion must be 1 or 2'],
      [{ ...base, SigningCertURL: 'http://sns.eu-west-1.amazonaws.com/SimpleNotificationService-x.pem' }, 'is not an Amazon SNS certificate'],
      [{ ...base, SigningCertURL: 'https://evil.example/SimpleNotificationService-x.pem' }, 'is not an Amazon SNS certificate'],
      [{ ...base, SigningCertURL: 'https://sns.eu-west-1.amazonaws.com/not-a-certificate' }, 'is not an Amazon SNS certificate'],
      [{ ...base, MessageId: undefined }, 'a field the signature covers is missing'],
    ];
    for (const [message, why] of cases) {
      const verdict = await verifier.verify(message);
      expect(verdict.ok).toBe(false);
      if (!verdict.ok) expect(verdict.why).toContain(why);
    }
    expect(verifier.cached).toBe(0);
  });
});

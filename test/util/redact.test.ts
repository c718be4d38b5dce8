import { describe, expect, it } from 'vitest';
import { redactSecrets } from '../../src/util/redact.js';

describe('redactSecrets', () => {
  it('scrubs the environment\'s secrets from any text (for stack traces)', () => {
    const env = { SMTP_URL: 'smtp://mailer:p%40ss-W0rd!@smtp.example.com:587', UNSUBSCRIBE_SECRET: 'unsub-secret-0123456789' };
    const text = 'at smtp://mailer:p%40ss-W0rd!@smtp.example.com:587 pass=p@ss-W0rd! key=unsub-secret-0123456789 other=smtps://u:hunter2@h';
    expect(redactSecrets(text, env)).toBe('at *** pass=*** key=*** other=smtps://u:***@h');
    expect(redactSecrets('smtp://mailer:p%40ss-W0rd!@other.example', env)).toBe('smtp://mailer:***@other.example');
    expect(redactSecrets('nothing secret here', {})).toBe('nothing secret here');
  });
});

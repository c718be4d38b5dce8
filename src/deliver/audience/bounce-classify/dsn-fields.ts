/**
 * The machine-readable fields of a delivery status notification (RFC 3464)
 * or a feedback report (RFC 5965): header syntax, folded lines. The RFCs put
 * a blank line between the per-message block and each recipient's block,
 * but real servers run them together (AOL), so a recipient's record starts
 * at its recipient field, wherever the blank lines are.
 */

export interface Field {
  name: string;
  value: string;
}

/** Fields in order, folded lines joined, names lower-cased. */
export function fieldsOf(text: string): Field[] {
  const fields: Field[] = [];
  for (const line of text.replace(/\r\n/g, '\n').split('\n')) {
    const last = fields[fields.length - 1];
    if (/^[ \t]+\S/.test(line) && last) {
      last.value = `${last.value} ${line.trim()}`;
      continue;
    }
    const m = /^([A-Za-z][A-Za-z0-9-]*)[ \t]*:[ \t]*(.*)$/.exec(line);
    if (m) fields.push({ name: m[1]!.toLowerCase(), value: m[2]!.trim() });
  }
  return fields;
}

export interface DsnRecord {
  finalRecipient?: string;
  originalRecipient?: string;
  action?: string;
  status?: string;
  diagnostic?: string;
}

const RECORD_FIELDS: Record<string, keyof DsnRecord> = {
  'final-recipient': 'finalRecipient',
  'original-recipient': 'originalRecipient',
  action: 'action',
  status: 'status',
  'diagnostic-code': 'diagnostic',
};

/**
 * One record per recipient. Within a blank-line block, a new record starts
 * at a recipient field once the current one is complete; fields that come
 * before the block's first recipient field (Facebook writes Diagnostic-Code
 * and Status first) belong to that first recipient.
 */
export function dsnRecords(text: string): DsnRecord[] {
  const records: DsnRecord[] = [];
  for (const block of text.replace(/\r\n/g, '\n').split(/\n[ \t]*\n/)) {
    const inBlock: DsnRecord[] = [];
    const before: DsnRecord = {};
    let current: DsnRecord | null = null;
    for (const { name, value } of fieldsOf(block)) {
      const key = RECORD_FIELDS[name];
      if (!key) continue;
      const isRecipient = key === 'finalRecipient' || key === 'originalRecipient';
      if (isRecipient && (!current || current[key] !== undefined || (current.action !== undefined && current.status !== undefined))) {
        current = {};
        inBlock.push(current);
      }
      const target = current ?? before;
      if (target[key] === undefined) target[key] = value;
    }
    if (inBlock[0]) inBlock[0] = { ...before, ...inBlock[0] };
    records.push(...inBlock);
  }
  return records;
}

/**
 * `rfc822; Someone@Example.org` -> `someone@example.org`. Address types other
 * than rfc822 and source-routed addresses (`@relay:user@host`) are not an
 * address to suppress, so the caller falls back to Original-Recipient.
 */
export function typedAddress(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const semi = value.indexOf(';');
  const type = semi >= 0 ? value.slice(0, semi).trim().toLowerCase() : 'rfc822';
  if (type !== 'rfc822') return undefined;
  const address = (semi >= 0 ? value.slice(semi + 1) : value).trim().replace(/^<|>$/g, '').trim().replace(/^"|"$/g, '');
  if (/^@[^:]*:/.test(address) || !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(address)) return undefined;
  return address.toLowerCase();
}

export function recordAddress(r: DsnRecord): string | undefined {
  return typedAddress(r.finalRecipient) ?? typedAddress(r.originalRecipient);
}

/** `smtp; 550 5.1.1 user unknown` -> `550 5.1.1 user unknown`. */
export function diagnosticText(value: string | undefined): string | undefined {
  return value?.replace(/^[A-Za-z-]+;\s*/, '').trim() || undefined;
}

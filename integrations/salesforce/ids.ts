// Salesforce record ids: 15 case-sensitive characters, or 18 with a 3-character case-safe suffix.

const SUFFIX_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ012345';
const ID = /^[a-zA-Z0-9]{15}(?:[A-Z0-5]{3})?$/;

function suffixOf(id15: string): string {
  let suffix = '';
  for (let block = 0; block < 3; block++) {
    let bits = 0;
    for (let i = 0; i < 5; i++) {
      const ch = id15.charAt(block * 5 + i);
      if (ch >= 'A' && ch <= 'Z') bits |= 1 << i;
    }
    suffix += SUFFIX_ALPHABET.charAt(bits);
  }
  return suffix;
}

/** The 18-character form of a 15- or 18-character id; null for anything that is not a valid id. */
export function toId18(id: string): string | null {
  if (!ID.test(id)) return null;
  const id15 = id.slice(0, 15);
  const suffix = suffixOf(id15);
  if (id.length === 18 && id.slice(15) !== suffix) return null;
  return id15 + suffix;
}

export const KEY_PREFIXES = {
  '001': 'account',
  '003': 'contact',
  '006': 'opportunity',
  '500': 'case',
  '00Q': 'lead',
} as const;

export type SalesforceRecordType = (typeof KEY_PREFIXES)[keyof typeof KEY_PREFIXES];

export function objectTypeOfId(id: string): SalesforceRecordType | null {
  return (KEY_PREFIXES as Record<string, SalesforceRecordType>)[id.slice(0, 3)] ?? null;
}

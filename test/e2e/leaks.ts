import { HUBSPOT_FIXTURES } from '../../sandbox/hubspot/seed';
import { SALESFORCE_FIXTURES } from '../../sandbox/salesforce/fixtures';
import { CES_COMMENTS, CSAT_COMMENTS, DETRACTOR_COMMENTS, HARD_COMMENT_LIST, PASSIVE_COMMENTS, PROMOTER_COMMENTS } from '../../sandbox/text';

// What must never show up where a page, another extension or a log can read it: the sandbox's
// credentials and its customers' emails and comments. Used by security.spec.ts and zz-console.spec.ts.

export interface Secret {
  /** What it is, for the failure message (never the value itself). */
  what: string;
  text: string;
}

/** A leak found in some text, described without repeating the secret. */
export interface Leak {
  what: string;
  line: number;
}

/** Comments shorter than this could match ordinary words, so they are not searched for. */
const MIN_COMMENT = 12;
/** Long comments (one is 10,000 characters) are searched for by their opening, which a log would carry. */
const COMMENT_PREFIX = 60;

/** The sandbox's fixed tokens and the comment texts it seeds customers' answers with. */
export function sandboxSecrets(): Secret[] {
  const tokens = Object.entries(HUBSPOT_FIXTURES.tokens).map(([name, text]) => ({ what: `the HubSpot ${name} token`, text }));
  const comments = [...PROMOTER_COMMENTS, ...PASSIVE_COMMENTS, ...DETRACTOR_COMMENTS, ...CSAT_COMMENTS, ...CES_COMMENTS, ...HARD_COMMENT_LIST];
  return [...tokens, ...commentSecrets(comments)];
}

export function commentSecrets(comments: Iterable<string | null>): Secret[] {
  const seen = new Set<string>();
  const secrets: Secret[] = [];
  for (const comment of comments) {
    const text = comment?.trim().slice(0, COMMENT_PREFIX) ?? '';
    if (text.length < MIN_COMMENT || seen.has(text)) continue;
    seen.add(text);
    secrets.push({ what: `a customer comment ("${text.slice(0, 8)}…")`, text });
  }
  return secrets;
}

/**
 * Shapes no log line may contain whatever the data: Salesforce access tokens (org id + "!"), the
 * sandbox's refresh tokens, HubSpot private-app tokens and the sandbox customers' emails (every
 * sandbox domain ends in .example).
 */
export const SECRET_PATTERNS: ReadonlyArray<{ what: string; pattern: RegExp }> = [
  { what: 'a Salesforce access token', pattern: new RegExp(`${SALESFORCE_FIXTURES.orgId.slice(0, 15)}![\\w.-]{20,}`) },
  { what: 'a Salesforce refresh token', pattern: /5Aep861[\w.-]{20,}/ },
  { what: 'a HubSpot token', pattern: /\bpat-(?:na|eu)\d-[\w-]+/ },
  { what: 'a customer email', pattern: /[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.example\b/ },
];

/** Every secret or secret-shaped string in `text`, by line. */
export function findLeaks(text: string, secrets: readonly Secret[], patterns = SECRET_PATTERNS): Leak[] {
  const leaks: Leak[] = [];
  text.split('\n').forEach((line, index) => {
    for (const secret of secrets) if (line.includes(secret.text)) leaks.push({ what: secret.what, line: index + 1 });
    for (const { what, pattern } of patterns) if (pattern.test(line)) leaks.push({ what, line: index + 1 });
  });
  return leaks;
}

export function describeLeaks(leaks: readonly Leak[], where: string): string {
  const shown = leaks.slice(0, 10).map((leak) => `${leak.what} (line ${leak.line})`);
  return `${where} holds ${leaks.length} secret(s): ${shown.join('; ')}${leaks.length > 10 ? '; …' : ''}`;
}

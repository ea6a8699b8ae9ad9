import { z } from 'zod';
import { outcomeResultSchema, type Outcome } from '../core/schema';

// What a close-the-loop note (HubSpot) or Task (Salesforce) says about itself, in a form its own text cannot forge.
// The human-readable lines stay for people reading the CRM; the fields Loyalty Lens reads back (key, contact,
// result, causes, thanked, who logged it) are ALSO written as one JSON line that is always the record's last line.
// Free text comes before it and cannot end the record: JSON escapes line breaks, and HubSpot's HTML body escapes
// `<`, so no text can start a line after ours. The line is read strictly: the last line only, exact prefix,
// strict schema — anything else is not structured data.

export const LOOP_DATA_PREFIX = 'Loyalty Lens data: ';

/** The idempotency key as the outbox makes it (core/messaging.ts). */
export const loopKeySchema = z.string().regex(/^[A-Za-z0-9-]{16,64}$/);

const loopDataSchema = z.strictObject({
  v: z.literal(1),
  key: loopKeySchema,
  contact: z.string().regex(/^[A-Za-z0-9]{1,32}$/),
  result: outcomeResultSchema,
  rootCauses: z.array(z.string().max(200)).max(50),
  thanked: z.boolean(),
  loggedBy: z.string().max(200).nullable(),
});
export type LoopData = z.infer<typeof loopDataSchema>;

export function loopData(outcome: Outcome): LoopData {
  return {
    v: 1,
    key: outcome.idempotencyKey,
    contact: outcome.contactId,
    result: outcome.result,
    rootCauses: outcome.rootCauses,
    thanked: outcome.thanked,
    loggedBy: outcome.loggedBy ?? null,
  };
}

/** The record's last line. JSON.stringify escapes line breaks, so it is one line whatever the fields hold. */
export function loopDataLine(outcome: Outcome): string {
  return `${LOOP_DATA_PREFIX}${JSON.stringify(loopData(outcome))}`;
}

/** Reads the data line from the record's lines (already split and unescaped); null unless the LAST one is ours. */
export function parseLoopDataLine(lines: readonly string[]): LoopData | null {
  const last = lines.at(-1)?.trim();
  if (!last?.startsWith(LOOP_DATA_PREFIX)) return null;
  try {
    const parsed = loopDataSchema.safeParse(JSON.parse(last.slice(LOOP_DATA_PREFIX.length)));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

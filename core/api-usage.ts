import { z } from 'zod';

// Only the options page parses a stored allowance; core/crm.ts, which most of the extension imports, keeps the type.

/**
 * A CRM's daily API allowance: HubSpot says how many requests are left today (X-HubSpot-RateLimit-Daily-Remaining),
 * Salesforce how many were used in the last 24 hours (/limits DailyApiRequests). Parsed where it is read back from
 * storage, since an older version stored a text there.
 */
export const apiUsageSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('remainingToday'), remaining: z.number().int().nonnegative(), limit: z.number().int().positive().nullable() }),
  z.strictObject({ kind: z.literal('usedLast24h'), used: z.number().int().nonnegative(), limit: z.number().int().positive() }),
]);
export type ApiUsage = z.infer<typeof apiUsageSchema>;

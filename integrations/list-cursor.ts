import type { z } from 'zod';
import { CrmError } from '../core/crm';

// A contact list's cursor goes to the panel as text and comes back with the next page's request: each CRM reads its
// own cursor shape with this, so a cursor the panel mangled (or one of another CRM) is refused in the same words.

/** The cursor the panel sent back, read with the CRM's own schema; null for the first page. */
export function readCursor<T>(schema: z.ZodType<T>, text: string | null): T | null {
  if (text === null) return null;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = null;
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) throw new CrmError('validation', 'The contact list lost its place. Choose the filter again.');
  return parsed.data;
}

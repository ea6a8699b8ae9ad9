import { z } from 'zod';
import { contactSchema } from './schema';

// A large account's contact list as the CRM lists it: the whole account sorted, filtered and searched where the data
// lives (HubSpot search, SOQL), one page at a time. The panel asks through the background ('account.contacts'); the
// connectors answer with these shapes, parsed here before they leave the background.

/** One segment of the list (or all) and the text a name must hold. */
export const contactListQuerySchema = z.strictObject({
  segment: z.enum(['detractor', 'passive', 'promoter', 'none']).nullable(),
  search: z.string().max(100),
});
export type ContactListQuery = z.infer<typeof contactListQuerySchema>;

/** Where the next page starts, as the connector that wrote it reads it (opaque to the panel). */
export const contactCursorSchema = z.string().min(1).max(400);

/** A contact as the CRM lists it, with the latest NPS score the CRM keeps on it. */
export const listedContactSchema = z.object({
  contact: contactSchema,
  score: z.number().int().min(0).max(10).nullable(),
  /** When that score was given, where the CRM keeps it. */
  answeredAt: z.number().int().nullable(),
});
export type ListedContact = z.infer<typeof listedContactSchema>;

export const accountContactsPageSchema = z.discriminatedUnion('status', [
  z.object({
    status: z.literal('listed'),
    rows: z.array(listedContactSchema),
    /** How many of the account's contacts the query lets through (the CRM's count). */
    total: z.number().int().nonnegative(),
    /** The next page's start; null on the last page. */
    cursor: contactCursorSchema.nullable(),
  }),
  // The CRM cannot list by the latest score (a Salesforce org without the latest-NPS contact field).
  z.object({ status: z.literal('unavailable') }),
]);
export type AccountContactsPage = z.infer<typeof accountContactsPageSchema>;

export { CRM_CONTACT_PAGE } from './page-sizes';

/** Score ranges of the list's segments, in the order the list shows them; null: no answer. */
export const SEGMENT_RANGES: ReadonlyArray<{ segment: 'detractor' | 'passive' | 'promoter' | 'none'; range: [number, number] | null }> = [
  { segment: 'detractor', range: [0, 6] },
  { segment: 'passive', range: [7, 8] },
  { segment: 'promoter', range: [9, 10] },
  { segment: 'none', range: null },
];

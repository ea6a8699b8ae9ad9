import { z } from 'zod';
import { crmSchema, surveyKindSchema } from './schema';

// "My open loops": the shapes a CRM's answers are parsed into at the edge (the background's connectors and store).
// The list itself (core/worklist.ts, components/worklist) works on the parsed data and needs only the types.

/** The customer's latest answer as the CRM keeps it beside the loop (HubSpot's last-NPS properties, Salesforce Surveys). */
export const loopScoreSchema = z.object({
  kind: surveyKindSchema,
  value: z.number(),
  scaleMax: z.number().int().positive(),
  submittedAt: z.number().int(),
  comment: z.string().nullable(),
});
export type LoopScore = z.infer<typeof loopScoreSchema>;

/** One open loop: a follow-up ticket, Case or task owned by the person whose list it is. */
export const worklistRowSchema = z.object({
  /** rowKey(crm, instance, id) of the follow-up. */
  key: z.string(),
  crm: crmSchema,
  instance: z.string(),
  id: z.string(),
  kind: z.enum(['ticket', 'case', 'task']),
  title: z.string(),
  statusLabel: z.string().nullable(),
  ownerId: z.string().nullable(),
  ownerName: z.string().nullable(),
  contact: z.object({ id: z.string(), name: z.string(), url: z.string().nullable() }).nullable(),
  account: z
    .object({
      id: z.string(),
      name: z.string(),
      revenue: z.number().nullable(),
      currency: z.string().nullable(),
      ownerId: z.string().nullable(),
      ownerName: z.string().nullable(),
    })
    .nullable(),
  score: loopScoreSchema.nullable(),
  createdAt: z.number().int(),
  /** The CRM's own due date (a task's), when it has one; the SLA due time is derived (see loopDue). */
  crmDueAt: z.number().int().nullable(),
  url: z.string().nullable(),
});
export type WorklistRow = z.infer<typeof worklistRowSchema>;

/** What one CRM said about one owner's loops: the rows it listed and the totals it counted itself. */
export const worklistReadSchema = z.object({
  crm: crmSchema,
  instance: z.string(),
  ownerId: z.string(),
  rows: z.array(worklistRowSchema),
  /** Open loops as the CRM counts them (search totals, COUNT()); may exceed the rows listed. */
  openTotal: z.number().int().nonnegative(),
  requestCount: z.number().int().nonnegative(),
  fetchedAt: z.number().int(),
});
export type WorklistRead = z.infer<typeof worklistReadSchema>;

/** Per owner, for a manager's team view: the CRM's own counts. */
export const teamCountSchema = z.object({
  crm: crmSchema,
  ownerId: z.string(),
  ownerName: z.string().nullable(),
  open: z.number().int().nonnegative(),
  overdue: z.number().int().nonnegative(),
});
export type TeamCount = z.infer<typeof teamCountSchema>;

/** Someone a loop can be assigned to (HubSpot owner, Salesforce user). */
export const ownerSchema = z.object({ id: z.string(), name: z.string(), email: z.string().nullable() });
export type Owner = z.infer<typeof ownerSchema>;

/** Who "me" is in one CRM: HubSpot's chosen owner (or the one a policy fixes), Salesforce's signed-in user. */
export const worklistMeSchema = z.object({
  ownerId: z.string().regex(/^[A-Za-z0-9]{1,64}$/),
  name: z.string().max(200),
  /** Set by the administrator's policy: shown, not changeable. */
  fixed: z.boolean(),
});
export type WorklistMe = z.infer<typeof worklistMeSchema>;

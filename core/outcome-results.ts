// The results a close-the-loop call can have, in the order the form offers them. Free of zod so the
// panel's form can list them without loading schema code; core/schema.ts builds its enum from it.
export const OUTCOME_RESULTS = [
  'reached-resolved',
  'reached-unresolved',
  'no-answer',
  'escalated',
  'promoter-reference',
  'promoter-review',
  'promoter-community',
] as const;

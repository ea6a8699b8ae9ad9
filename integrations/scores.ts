import { z } from 'zod';
import { rowKey } from '../core/keys';
import type { Crm, SurveyKind, SurveyResponse } from '../core/schema';

// Scores as CRMs and survey tools store them: numbers, numeric strings ("9"), or junk ("N/A",
// null, 11, −1). One schema for every connector, so a rejected row reads the same whichever CRM
// it came from.

export const SCALES: Record<SurveyKind, { min: number; max: number }> = {
  nps: { min: 0, max: 10 },
  csat: { min: 1, max: 5 },
  ces: { min: 1, max: 7 },
};

const NO_SCORE = 'no score';
const NOT_WHOLE = 'not a whole number';

/** "9" → 9; empty, "N/A", fractions and values off the survey's scale are refused with a reason. */
export function scoreSchema(kind: SurveyKind) {
  const { min, max } = SCALES[kind];
  return z
    .union([z.number(), z.string().trim().regex(/^-?\d+(\.\d+)?$/).transform(Number)], {
      error: (issue) => (issue.input === null || issue.input === undefined || issue.input === '' ? NO_SCORE : NOT_WHOLE),
    })
    .pipe(
      z
        .number()
        .refine((n) => Number.isInteger(n), NOT_WHOLE)
        .refine((n) => n >= min && n <= max, `outside the ${kind.toUpperCase()} scale ${min}–${max}`),
    );
}

export type ScoreParse = { ok: true; score: number } | { ok: false; reason: string };

export function readScore(kind: SurveyKind, raw: unknown): ScoreParse {
  const value = typeof raw === 'string' ? raw.trim() : raw;
  if (value === '' || value === null || value === undefined) return { ok: false, reason: NO_SCORE };
  const parsed = scoreSchema(kind).safeParse(value);
  return parsed.success ? { ok: true, score: parsed.data } : { ok: false, reason: parsed.error.issues[0]?.message ?? NOT_WHOLE };
}

/** What a connector read for one answer; keys and the scale are derived the same way for every CRM. */
export interface ScoredAnswer {
  crm: Crm;
  instance: string;
  id: string;
  contactId: string;
  accountId: string | null;
  kind: SurveyKind;
  score: number;
  submittedAt: number;
  comment: string | null;
  surveyName: string | null;
  channel: string | null;
  source: string;
  subjectId: string | null;
}

export function surveyResponse(answer: ScoredAnswer): SurveyResponse {
  const { crm, instance, contactId, accountId, ...rest } = answer;
  return {
    ...rest,
    key: rowKey(crm, instance, answer.id),
    crm,
    instance,
    contactKey: rowKey(crm, instance, contactId),
    accountKey: accountId ? rowKey(crm, instance, accountId) : null,
    scaleMax: SCALES[answer.kind].max,
  };
}

/** A preview's contact keys (`crm|instance|id`) by CRM id, so the names a CRM returns by id land on the right rows. */
export function contactKeysById(contactKeys: ReadonlyArray<string | null>): Map<string, string> {
  const byId = new Map<string, string>();
  for (const key of contactKeys) {
    const id = key?.split('|')[2];
    if (key && id) byId.set(id, key);
  }
  return byId;
}

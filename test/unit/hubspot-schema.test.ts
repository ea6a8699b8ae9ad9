import { describe, expect, it } from 'vitest';
import {
  contactPropertiesToResponses,
  customObjectToResponse,
  feedbackToResponse,
  parseScore,
  partitionRows,
  toEpochMs,
  type HsObject,
  type RowContext,
} from '../../integrations/hubspot/schema';
import { ASKNICELY_PRESET, CUSTOM_OBJECT_PRESET, HUBSPOT_PRESETS } from '../../integrations/hubspot/presets';
import { hubspotSourceSchema } from '../../core/settings';
import { toCrmError, redact, requiredScopes } from '../../integrations/hubspot/errors';

const ctx: RowContext = { portal: '40001', companyOf: (id) => (id === '111' ? '102' : null) };

describe('parseScore', () => {
  it.each<[unknown, 'nps' | 'csat' | 'ces', number | string]>([
    ['9', 'nps', 9],
    [9, 'nps', 9],
    ['0', 'nps', 0],
    ['10', 'nps', 10],
    ['7.0', 'nps', 7],
    ['N/A', 'nps', 'not a whole number'],
    [null, 'nps', 'no score'],
    ['', 'nps', 'no score'],
    ['11', 'nps', 'outside the NPS scale 0–10'],
    ['-1', 'nps', 'outside the NPS scale 0–10'],
    ['8.5', 'nps', 'not a whole number'],
    ['0', 'csat', 'outside the CSAT scale 1–5'],
    ['7', 'ces', 7],
    ['8', 'ces', 'outside the CES scale 1–7'],
  ])('%s as %s → %s', (raw, kind, expected) => {
    const r = parseScore(raw, kind);
    if (typeof expected === 'number') expect(r).toEqual({ ok: true, score: expected });
    else expect(r).toEqual({ ok: false, reason: expected });
  });
});

describe('toEpochMs', () => {
  it.each<[unknown, number | null]>([
    ['2026-05-01T10:00:00.000Z', Date.UTC(2026, 4, 1, 10)],
    ['2026-05-01', Date.UTC(2026, 4, 1)],
    ['1714521600000', 1714521600000],
    [new Date(5000), 5000],
    ['yesterday', null],
    ['', null],
    [null, null],
  ])('%s → %s', (v, expected) => expect(toEpochMs(v)).toBe(expected));
});

function feedback(id: string, props: Record<string, string | null>): HsObject {
  return { id, properties: props };
}

describe('feedback submissions', () => {
  it('turns a submission into a response of its contact and company', () => {
    const r = feedbackToResponse(
      feedback('9001', {
        hs_value: '9',
        hs_survey_type: 'NPS',
        hs_content: ' Great ',
        hs_submission_timestamp: '2026-05-01T10:00:00.000Z',
        hs_survey_name: 'Quarterly NPS',
        hs_survey_channel: 'EMAIL',
        hs_contact_id: '111',
        hs_ticket_id: null,
      }),
      'hubspot-feedback',
      ctx,
    );
    expect(r).toEqual({
      ok: true,
      response: expect.objectContaining({
        key: 'hubspot|40001|9001',
        contactKey: 'hubspot|40001|111',
        accountKey: 'hubspot|40001|102',
        kind: 'nps',
        score: 9,
        scaleMax: 10,
        comment: 'Great',
        surveyName: 'Quarterly NPS',
        channel: 'EMAIL',
        submittedAt: Date.UTC(2026, 4, 1, 10),
      }),
    });
  });

  it('rejects unusable rows with the reason and keeps the rest', () => {
    const base = { hs_survey_type: 'NPS', hs_submission_timestamp: '2026-05-01T10:00:00Z', hs_contact_id: '111' };
    const rows = ['9', 'N/A', null, '11', '-1'].map((v, i) => feedbackToResponse(feedback(String(i), { ...base, hs_value: v }), 'fb', ctx));
    const { responses, rejected } = partitionRows(rows);
    expect(responses.map((r) => r.score)).toEqual([9]);
    expect(rejected.map((r) => [r.value, r.reason])).toEqual([
      ['N/A', 'not a whole number'],
      ['null', 'no score'],
      ['11', 'outside the NPS scale 0–10'],
      ['-1', 'outside the NPS scale 0–10'],
    ]);
  });
});

describe('contact properties with history (AskNicely)', () => {
  const source = ASKNICELY_PRESET.kind === 'hubspot-contact-properties' ? ASKNICELY_PRESET : null;
  it('rebuilds every overwritten score from the property history', () => {
    const t1 = Date.UTC(2025, 0, 10);
    const t2 = Date.UTC(2026, 0, 10);
    const contact: HsObject = {
      id: '111',
      properties: { asknicely_nps_score: '3', asknicely_comment: 'Slow support', asknicely_last_survey_date: new Date(t2).toISOString() },
      propertiesWithHistory: {
        asknicely_nps_score: [
          { value: '3', timestamp: t2 + 1000 },
          { value: '9', timestamp: t1 + 1000 },
        ],
        asknicely_comment: [
          { value: 'Slow support', timestamp: t2 + 1500 },
          { value: 'Love it', timestamp: t1 + 1500 },
        ],
        asknicely_last_survey_date: [
          { value: new Date(t2).toISOString(), timestamp: t2 + 1000 },
          { value: new Date(t1).toISOString(), timestamp: t1 + 1000 },
        ],
      },
    };
    const { responses, rejected } = partitionRows(contactPropertiesToResponses(contact, source!, ctx));
    expect(rejected).toEqual([]);
    expect(responses.map((r) => [r.score, r.comment, r.submittedAt])).toEqual([
      [9, 'Love it', t1],
      [3, 'Slow support', t2],
    ]);
    expect(responses[0]!.source).toBe('asknicely');
  });

  it('without history uses the current value alone', () => {
    const contact: HsObject = { id: '112', properties: { asknicely_nps_score: '7', asknicely_last_survey_date: '2026-01-02' } };
    const { responses } = partitionRows(contactPropertiesToResponses(contact, source!, ctx));
    expect(responses.map((r) => [r.score, r.submittedAt, r.accountKey])).toEqual([[7, Date.UTC(2026, 0, 2), null]]);
  });
});

describe('custom object rows', () => {
  const source = CUSTOM_OBJECT_PRESET.kind === 'hubspot-custom-object' ? CUSTOM_OBJECT_PRESET : null;
  it('maps fields and takes the survey kind from the row', () => {
    const row: HsObject = { id: '5', properties: { score: '4', submitted_at: '2026-03-01', comment: 'ok', survey_type: 'CSAT' } };
    const r = customObjectToResponse(row, source!, ctx, '111');
    expect(r.ok && [r.response.kind, r.response.score, r.response.scaleMax]).toEqual(['csat', 4, 5]);
  });
  it('rejects a row with a free-text score', () => {
    const row: HsObject = { id: '6', properties: { score: 'N/A', submitted_at: '2026-03-01', survey_type: 'NPS' } };
    expect(customObjectToResponse(row, source!, ctx, '111')).toMatchObject({ ok: false, rejected: { field: 'score', value: 'N/A' } });
  });
});

describe('presets', () => {
  it('are valid settings sources', () => {
    for (const p of HUBSPOT_PRESETS) expect(hubspotSourceSchema.safeParse(p).success).toBe(true);
  });
});

describe('HubSpot errors in user words', () => {
  const token = 'pat-na1-secret-token-123';
  const now = 0;
  it.each<[number, unknown, Record<string, string>, string, RegExp]>([
    [401, { category: 'INVALID_AUTHENTICATION' }, {}, 'auth', /token/],
    [
      403,
      { category: 'MISSING_SCOPES', errors: [{ context: { requiredGranularScopes: ['crm.objects.feedback_submissions.read'] } }] },
      {},
      'scope',
      /crm\.objects\.feedback_submissions\.read/,
    ],
    [404, { category: 'OBJECT_NOT_FOUND' }, {}, 'not-found', /deleted or merged/],
    [429, { errorType: 'RATE_LIMIT', policyName: 'TEN_SECONDLY_ROLLING' }, { 'retry-after': '2' }, 'rate-limit', /slow down/],
    [429, { errorType: 'RATE_LIMIT', policyName: 'DAILY' }, {}, 'daily-limit', /daily/],
    [502, 'Bad gateway', {}, 'server', /502/],
    [400, { message: `Property "x" does not exist ${token}` }, {}, 'config', /property/],
  ])('%i → %s', (status, body, headers, kind, message) => {
    const e = toCrmError(status, typeof body === 'string' ? body : JSON.stringify(body), headers, now, token);
    expect(e.kind).toBe(kind);
    expect(e.message).toMatch(message);
    expect(e.message).not.toContain(token);
  });
  it('keeps Retry-After for the caller', () => {
    expect(toCrmError(429, '{"policyName":"TEN_SECONDLY_ROLLING"}', { 'retry-after': '3' }, 0, token).details.retryAfterMs).toBe(3000);
  });
  it('redacts tokens', () => {
    expect(redact(`bad ${token} and pat-eu1-abc-def`, token)).toBe('bad [token] and [token]');
    expect(requiredScopes({ context: { requiredScopes: ['tickets'] } })).toEqual(['tickets']);
  });
});

import { describe, expect, it } from 'vitest';
import { followUpSubject } from '../../core/follow-up-subject';

describe('followUpSubject', () => {
  it.each([
    { kind: 'nps', score: 3, scaleMax: 10, name: 'Dana Whitfield', subject: 'Follow up: NPS 3 of 10 from Dana Whitfield' },
    { kind: 'csat', score: 2, scaleMax: 5, name: 'Dana Whitfield', subject: 'Follow up: CSAT 2 of 5 from Dana Whitfield' },
    // Effort is said with its direction: on CES 2.0 a low number is a hard experience.
    { kind: 'ces', score: 2, scaleMax: 7, name: 'Dana Whitfield', subject: 'Follow up: effort 2 of 7 (high effort) from Dana Whitfield' },
    { kind: 'ces', score: 6, scaleMax: 7, name: null, subject: 'Follow up: effort 6 of 7 (low effort)' },
    { kind: 'ces', score: 3, scaleMax: 5, name: null, subject: 'Follow up: effort 3 of 5 (neutral)' },
    { kind: 'nps', score: 0, scaleMax: 10, name: null, subject: 'Follow up: NPS 0 of 10' },
  ] as const)('$kind $score of $scaleMax → "$subject"', ({ kind, score, scaleMax, name, subject }) => {
    expect(followUpSubject({ kind, score, scaleMax }, name)).toBe(subject);
  });
});

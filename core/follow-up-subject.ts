import { effortLevel } from './nps';
import type { SurveyResponse } from './schema';

// The subject of a ticket or Case opened for an answer is read by the whole team in the CRM's own lists, by people
// who never saw the panel: it names the survey in words, the score on its scale, and for effort which end is bad.
// It is CRM data, written once, so it is in the CRM's working language (English), not the panel's.

const EFFORT_WORDS = { 'high-effort': 'high effort', neutral: 'neutral', 'low-effort': 'low effort' } as const;

export function followUpSubject(response: Pick<SurveyResponse, 'kind' | 'score' | 'scaleMax'>, contactName: string | null): string {
  const score = `${response.score} of ${response.scaleMax}`;
  const answer =
    response.kind === 'nps'
      ? `NPS ${score}`
      : response.kind === 'csat'
        ? `CSAT ${score}`
        : `effort ${score} (${EFFORT_WORDS[effortLevel(response.score, response.scaleMax)]})`;
  return contactName ? `Follow up: ${answer} from ${contactName}` : `Follow up: ${answer}`;
}

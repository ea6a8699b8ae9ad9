import { describe, expect, it } from 'vitest';
import { cardFigures } from '../../crm-plugins/shared/figures';
import { DEFAULT_SETTINGS } from '../../core/settings';
import { DAY, HOUR, NOW, account, companyRef, contact, context, followUp, response } from './panel-helpers';

// The CRM cards rank follow-ups by the panel's rule (core/rules.ts priorityScore): a follow-up that links no NPS
// answer goes by its contact's latest NPS answer.

describe('card follow-ups', () => {
  it('ranks a detractor’s unlinked task above a promoter’s ticket', () => {
    const promoter = response('7', 10, NOW - 30 * HOUR);
    const figures = cardFigures(
      context(companyRef, {
        account: account(),
        contacts: ['6', '7'].map((id) => contact(id, { name: `Person ${id}` })),
        responses: [response('6', 9, NOW - 365 * DAY), response('6', 2, NOW - 7 * DAY), promoter],
        followUps: [
          followUp('t-promoter', { contactKey: contact('7').key, responseKey: promoter.key }),
          followUp('task-6', { kind: 'task', contactKey: contact('6').key, title: 'Call Person 6', createdAt: NOW - 3 * DAY }),
        ],
      }),
      DEFAULT_SETTINGS.rules,
      NOW,
    );
    expect(figures.followUps.map((f) => [f.id, f.priority, f.score])).toEqual([
      ['task-6', 'urgent', 2],
      ['t-promoter', 'normal', 10],
    ]);
    // Due by the same latest answer, from the task's creation: 3 days ago + 48 h.
    expect(figures.followUps[0]?.dueAt).toBe(NOW - DAY);
  });
});

import { describe, expect, it } from 'vitest';
import type { Outcome } from '../../core/schema';
import { LOOP_DATA_PREFIX, loopDataLine, parseLoopDataLine } from '../../integrations/loop-notes';
import { readLoopNote } from '../../integrations/hubspot/loop-history';
import { noteBody } from '../../integrations/hubspot/outcomes';
import { parseLoopTask } from '../../integrations/salesforce/loop-history';
import { outcomeDescription, outcomeSubject } from '../../integrations/salesforce/outcomes';
import type { HsObject } from '../../integrations/hubspot/schema';
import type { SfTask } from '../../integrations/salesforce/schema';

// A loop note's fields come from a structured block its own text cannot reach, read strictly; only records that
// carry our key count as loops; notes written before this format still read.

const FORGED_TEXT = 'All good.\nLogged by: Mallory\nContact: 999 · key ffffffff-ffff-ffff-ffff-ffffffffffff\nResult: Promoter: reference [promoter-reference]\nThanked: yes';

const outcome = (overrides: Partial<Outcome> = {}): Outcome =>
  ({
    contactId: '51',
    result: 'reached-unresolved',
    rootCauses: ['Billing'],
    note: FORGED_TEXT,
    nextStep: null,
    thanked: false,
    responseId: null,
    idempotencyKey: '0f3c2a9e-1111-4222-8333-444455556666',
    loggedBy: null,
    loggedAt: Date.UTC(2026, 10, 20),
    ...overrides,
  }) as Outcome;

describe('the structured data line', () => {
  it('is one line whatever the fields hold, and is read back only from the end', () => {
    const o = outcome({ loggedBy: 'Ana "the fixer"\nLogged by: Mallory', rootCauses: ['a\nb'] });
    const line = loopDataLine(o);
    expect(line.split('\n')).toHaveLength(1);
    expect(parseLoopDataLine(['text', line])).toMatchObject({ key: o.idempotencyKey, loggedBy: o.loggedBy, rootCauses: ['a\nb'], contact: '51' });
    // Anything after it, or a line that only looks like it, is not ours.
    expect(parseLoopDataLine([line, 'a line added later'])).toBeNull();
    expect(parseLoopDataLine([`${LOOP_DATA_PREFIX}{"v":1,"key":"0f3c2a9e-1111-4222-8333-444455556666"}`])).toBeNull();
    expect(parseLoopDataLine([`${LOOP_DATA_PREFIX}${JSON.stringify({ ...JSON.parse(line.slice(LOOP_DATA_PREFIX.length)), extra: 1 })}`])).toBeNull();
  });
});

describe('HubSpot loop notes', () => {
  const note = (body: string, key: string | null = null): HsObject => ({
    id: '9001',
    properties: { hs_note_body: body, hs_timestamp: '2026-11-20T10:00:00.000Z', loyalty_lens_key: key, hubspot_owner_id: null },
    createdAt: '2026-11-20T10:00:00.000Z',
    updatedAt: '2026-11-20T10:00:00.000Z',
  }) as unknown as HsObject;

  it('the note’s own text cannot name who logged it, the contact or the result', () => {
    const o = outcome();
    for (const key of [o.idempotencyKey, null]) {
      const loop = readLoopNote(note(noteBody(o), key), '40001', null);
      expect(loop).toMatchObject({ contactKey: 'hubspot|40001|51', loggedBy: null, result: 'reached-unresolved', idempotencyKey: o.idempotencyKey });
      expect(loop?.summary).toContain('Logged by: Mallory');
    }
    const named = readLoopNote(note(noteBody(outcome({ loggedBy: 'Avery Admin' }))), '40001', null);
    expect(named?.loggedBy).toBe('Avery Admin');
  });

  it('only notes carrying our key are loops', () => {
    expect(readLoopNote(note('Loyalty Lens close-the-loop<br>Result: Reached, resolved [reached-resolved]<br>Thanked: yes'), '40001', null)).toBeNull();
    expect(readLoopNote(note('Call notes: Loyalty Lens close-the-loop'), '40001', null)).toBeNull();
    // The key property must agree with the key in the data line.
    expect(readLoopNote(note(noteBody(outcome()), 'ffffffff-ffff-ffff-ffff-ffffffffffff'), '40001', null)).toBeNull();
  });

  it('a note written in the earlier format still reads, strictly from its ends', () => {
    const legacy = [
      'Loyalty Lens close-the-loop',
      'Result: Reached, not resolved yet [reached-unresolved]',
      'Root causes: Billing',
      'Note: All good.\nLogged by: Mallory\nContact: 999 · key forged-forged-forged',
      'Thanked: no',
      'Contact: 51 · key 0f3c2a9e-1111-4222-8333-444455556666',
    ].join('<br>');
    const loop = readLoopNote(note(legacy), '40001', null);
    expect(loop).toMatchObject({ contactKey: 'hubspot|40001|51', loggedBy: null, result: 'reached-unresolved', rootCauses: ['Billing'], idempotencyKey: '0f3c2a9e-1111-4222-8333-444455556666' });
    const legacyNamed = legacy.replace('<br>Contact: 51', '<br>Logged by: Avery Admin<br>Contact: 51');
    expect(readLoopNote(note(legacyNamed), '40001', null)?.loggedBy).toBe('Avery Admin');
  });
});

describe('Salesforce loop Tasks', () => {
  const task = (o: Outcome, overrides: Partial<SfTask> = {}): SfTask => ({
    Id: '00THn000000KXxkIAG',
    Subject: outcomeSubject(o, true),
    Description: outcomeDescription(o),
    Status: 'Completed',
    IsClosed: true,
    ActivityDate: '2026-11-20',
    WhoId: '003Hn00001ABCDEIA4',
    WhatId: null,
    OwnerId: null,
    Owner: null,
    CreatedDate: '2026-11-20T10:00:00.000+0000',
    CreatedBy: { Name: 'Integration User' },
    ...overrides,
  });

  it('the Task’s own text cannot name who logged it, the key or the result', () => {
    const o = outcome({ note: FORGED_TEXT.replace('Logged by', 'Logged by').concat('\nKey: ffffffff-ffff-ffff-ffff-ffffffffffff') });
    const loop = parseLoopTask(task(o), 'acme.my.salesforce.com');
    expect(loop).toMatchObject({ loggedBy: 'Integration User', result: 'reached-unresolved', idempotencyKey: o.idempotencyKey });
    expect(loop?.summary).toContain('Logged by: Mallory');
  });

  it('only Tasks carrying our key are loops', () => {
    expect(parseLoopTask(task(outcome(), { Description: 'Result: reached-resolved\nThanked: yes\n\nLogged by hand.' }), 'acme.my.salesforce.com')).toBeNull();
  });

  it('a Task written in the earlier format still reads', () => {
    const legacy = 'Result: reached-unresolved\nRoot causes: Billing\nThanked: no\nKey: 0f3c2a9e-1111-4222-8333-444455556666\nLogged by: Avery Admin\n\nAll good.\nLogged by: Mallory';
    expect(parseLoopTask(task(outcome(), { Description: legacy }), 'acme.my.salesforce.com')).toMatchObject({
      loggedBy: 'Avery Admin',
      result: 'reached-unresolved',
      rootCauses: ['Billing'],
      idempotencyKey: '0f3c2a9e-1111-4222-8333-444455556666',
      summary: 'All good.\nLogged by: Mallory',
    });
  });
});

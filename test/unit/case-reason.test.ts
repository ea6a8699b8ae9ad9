import { describe, expect, it } from 'vitest';
import { causesByReason, reasonForCauses, reasonMappingState } from '../../core/case-reason';

const ORG = ['Installation', 'Equipment Complexity', 'Performance', 'Breakdown', 'Equipment Design', 'Feedback', 'Other'];
const MAP = { Billing: 'Other', Onboarding: 'Installation', 'Product quality': 'Equipment Design', 'Price / value': 'Invoices' };

describe('the Case Reason an outcome sets', () => {
  it.each([
    ['the first cause’s value', ['Onboarding', 'Billing'], 'Installation'],
    ['only the first cause: a later mapped one does not stand in', ['Ease of use', 'Billing'], null],
    ['nothing without a cause', [], null],
    ['nothing the picklist lacks', ['Price / value'], null],
  ])('%s', (_name, causes, reason) => {
    expect(reasonForCauses(causes, MAP, ORG)).toBe(reason);
  });
});

describe('reading a Reason back as a cause', () => {
  it('maps each value to its cause, for the causes of the taxonomy only', () => {
    expect([...causesByReason(['Billing', 'Onboarding', 'Ease of use'], MAP)]).toEqual([
      ['Other', 'Billing'],
      ['Installation', 'Onboarding'],
    ]);
  });
});

describe('how the mapping stands against the org', () => {
  it('names the mapped, the unmapped and those mapped to a value the org lacks', () => {
    expect(reasonMappingState(['Billing', 'Onboarding', 'Ease of use', 'Price / value'], MAP, ORG)).toEqual({
      present: true,
      mapped: [
        { cause: 'Billing', reason: 'Other' },
        { cause: 'Onboarding', reason: 'Installation' },
      ],
      unmapped: ['Ease of use'],
      stale: [{ cause: 'Price / value', reason: 'Invoices' }],
    });
  });

  it('says when the Case has no Reason to see', () => {
    expect(reasonMappingState(['Billing'], MAP, null)).toEqual({ present: false, mapped: [], unmapped: [], stale: [{ cause: 'Billing', reason: 'Other' }] });
  });
});

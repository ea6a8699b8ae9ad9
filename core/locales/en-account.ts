import type { Message } from './message';

// The words of an account record's quarters and contact list (components/panel/AccountDetails.tsx), loaded with that
// code over the panel's catalog (en.ts), so a record's first paint does not carry them. A key another part of the panel
// shows too belongs in en.ts (core/locales/README.md).

export const enAccount = {
  'account.allQuarters': { one: 'Show all {count} quarter', other: 'Show all {count} quarters' },
  'account.byQuarter': 'NPS by quarter',
  'account.byQuarterTooLarge': 'Not counted for an account this large: the CRM counts survey answers per contact, not per quarter. The figures above count each contact’s latest answer.',
  'account.contactFilter': 'Show contacts',
  'account.contactMatches': { one: '{count} contact matches', other: '{count} contacts match' },
  'account.contactOrder': 'Detractors first (0–3, then 4–6), then passives, promoters and those without an answer.',
  'account.contactSearch': 'Find a contact by name',
  'account.contactsReadOf': 'Sorted, filtered and searched among the {read} contacts read of {total}; the CRM lists the rest.',
  'account.crmBusy': '{crm} is answering too many searches right now. Try again in a few seconds.',
  'account.crmFailed': '{crm} could not list the contacts: {reason}',
  'account.crmListed': 'Sorted, filtered and searched by {crm} across all {total} contacts.',
  'account.crmLoading': 'Asking {crm} for the contacts…',
  'account.crmNoMatches': 'No contacts match “{search}” in the whole account.',
  'account.crmNoneInGroup': 'No contacts of the whole account are in this group.',
  'account.crmUnlisted': '{crm} can sort and search the whole account once an admin adds the latest-NPS contact field (see the README). Until then: sorted, filtered and searched among the {read} contacts read of {total}.',
  'account.filterAll': 'All',
  'account.filterCount': '{label} ({count})',
  'account.filterDetractor': 'Detractors',
  'account.filterNone': 'No answer',
  'account.filterPassive': 'Passives',
  'account.filterPromoter': 'Promoters',
  'account.noContactMatches': 'No contact read so far matches.',
  'account.noResponse': 'No response',
  'account.npsShort': 'NPS',
  'account.quarter': 'Quarter',
  'account.quarterTooFew': 'too few',
  'account.quarterTooFewNote': 'Greyed: fewer than {min} responses, too few for a reliable NPS.',
  'account.recentQuarters': 'Show the last {count} quarters',
  'account.responsesShort': 'Responses',
  'account.showMoreContacts': { one: 'Show {count} more of {total}', other: 'Show {count} more of {total}' },
} satisfies Record<string, Message>;

export type AccountKey = keyof typeof enAccount;
export type AccountCatalog = Record<AccountKey, Message>;

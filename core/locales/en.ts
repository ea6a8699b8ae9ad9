// English, the reference catalog: every key the panel uses, and the shape other languages follow.
// Plural messages name the Intl.PluralRules categories the language needs ({count} is the number).

export interface PluralMessage {
  zero?: string;
  one?: string;
  two?: string;
  few?: string;
  many?: string;
  other: string;
}

export const en = {
  'app.name': 'Loyalty Lens',
  'crm.hubspot': 'HubSpot',
  'crm.salesforce': 'Salesforce',
  'crm.generic': 'the CRM',

  'status.refreshing': 'Refreshing…',
  'status.updated': 'Updated {age}',

  'callMode.toggle': 'Call mode',
  'callMode.shortcut': 'Switch call mode ({keys})',

  'state.loading': 'Loading loyalty context…',
  'state.noRecord': 'Open a contact, company, deal or ticket to see its loyalty context.',
  'state.empty': 'No survey responses yet',
  'state.emptyHint': 'NPS, CSAT and effort answers show here as soon as this customer responds to a survey.',
  'state.notConfigured': 'Loyalty Lens is not connected to {crm} yet.',
  'state.openSettings': 'Open settings to connect',
  'state.permission': 'Loyalty Lens needs your permission to read {site}.',
  'state.grantPermission': 'Allow access to this site',
  'state.permissionDenied': 'Permission was not granted. The panel stays empty on this site until it is.',
  'state.offline': '{crm} cannot be reached right now.',
  'state.offlineCached': 'Showing saved data from {age}.',
  'state.offlineNoCache': 'Nothing is saved for this record yet.',
  'state.error': 'This record could not be loaded.',
  'state.cachedFrom': 'Showing saved data from {age}.',

  'error.auth': 'The sign-in to {crm} has expired or was revoked. Reconnect in the settings.',
  'error.scope': 'The connection to {crm} is missing a permission needed to read this record.',
  'error.wrongInstance': 'Loyalty Lens is connected to a different {crm} account than this page.',
  'error.notFound': 'This record no longer exists in {crm}: it was deleted or merged.',
  'error.dailyLimit': "{crm}'s daily API allowance is used up. Try again tomorrow.",
  'error.malformed': '{crm} sent an answer Loyalty Lens could not read.',
  'error.config': 'A score mapping in the settings names a field or object that does not exist.',
  'error.validation': '{crm} refused the request.',
  'error.storageFull': 'The browser has no space left for Loyalty Lens.',
  'error.noAnswer': 'Loyalty Lens did not answer. Reload the page; if it keeps happening, reload the extension.',
  'error.generic': 'Something went wrong inside Loyalty Lens.',

  'action.retry': 'Try again',
  'action.showMoreText': 'Show more',
  'action.showLessText': 'Show less',
  'action.showMoreItems': { one: 'Show {count} more', other: 'Show {count} more' },

  'segment.promoter': 'Promoter',
  'segment.passive': 'Passive',
  'segment.detractor': 'Detractor',
  'kind.nps': 'NPS',
  'kind.csat': 'CSAT',
  'kind.ces': 'Effort',
  'effort.low-effort': 'easy',
  'effort.neutral': 'neutral',
  'effort.high-effort': 'high effort',
  'trend.improving': 'Improving: {from} → {to} since the previous answer',
  'trend.declining': 'Declining: {from} → {to} since the previous answer',
  'trend.steady': 'Unchanged at {to} since the previous answer',

  'contact.latestNps': 'Latest NPS',
  'contact.noNps': 'No NPS answer yet',
  'contact.effort': 'Effort (CES)',
  'contact.csat': 'CSAT',
  'contact.csatShare': '{percent} satisfied overall',
  'contact.none': 'None yet',
  'contact.lastSurveyed': 'Last surveyed {age}',
  'contact.quietPeriod': 'do not survey again before {date}',
  'contact.history': 'History',
  'contact.responses': { one: '{count} response', other: '{count} responses' },
  'response.score': '{score} of {max}',
  'response.channel': 'via {channel}',
  'chart.nps': 'NPS',
  'chart.csat': 'CSAT',
  'chart.ces': 'Effort',
  'chart.summary': {
    one: 'Score history: {count} response on {from}',
    other: 'Score history: {count} responses from {from} to {to}',
  },
  'loops.title': 'Recent contacts',
  'promoter.invite': 'Promoter: a candidate for a reference, a review or a community invite.',
  'promoter.inviteShort': 'Invite',

  'account.sectionTitle': 'Account: {name}',
  'account.owner': 'Owner: {name}',
  'account.nps': 'Account NPS',
  'account.tooFew': 'Too few responses:',
  'account.margin': '±{margin}',
  'account.n': { one: 'n = {count} response', other: 'n = {count} responses' },
  'account.method': 'Method: {method}',
  'account.distributionItem': '{segment}: {count} ({percent})',
  'account.revenueAtRisk': 'Revenue at risk',
  'account.revenueUnknown': 'amount unknown',
  'account.revenue': 'revenue',
  'account.noDetractors': 'No detractors in this account.',
  'account.detractorsOn': {
    one: '{count} detractor sits on this account ({revenue}).',
    other: '{count} detractors sit on this account ({revenue}).',
  },
  'account.byQuarter': 'NPS by quarter',
  'account.quarter': 'Quarter',
  'account.npsShort': 'NPS',
  'account.responsesShort': 'Responses',
  'account.contacts': { one: '{count} contact', other: '{count} contacts' },
  'account.noResponse': 'No response',
  'account.showMoreContacts': { one: 'Show {count} more of {total}', other: 'Show {count} more of {total}' },
  'account.empty': 'No one at this account has answered a survey yet.',
  'method.window': { one: 'every response in the last {count} day', other: 'every response in the last {count} days' },
  'method.windowAll': 'every response',
  'method.latestPerContact': 'latest response per contact',
  'method.weightedByRole': 'latest response per contact, weighted by role',
  'method.weightedFromCounts': 'latest response per contact (role weights not applied to account-wide counts)',

  'followUps.title': 'Follow-ups',
  'followUps.open': { one: '{count} open', other: '{count} open' },
  'followUps.none': 'No open follow-ups',
  'followUp.owner': 'Owner: {name}',
  'followUp.suggestedOwner': 'No owner yet; route to {name}',
  'followUp.noOwner': 'No owner',
  'followUp.urgent': 'Most unhappy',
  'sla.overdue': 'Overdue: was due {relative}',
  'sla.dueSoon': 'Due soon: {relative}',
  'sla.onTrack': 'Due {relative}',
  'sla.none': 'No due date',

  'call.lastScore': 'Last score',
  'call.lastComment': 'Last comment',
  'call.openFollowUp': 'Open follow-up',
  'call.lastEffort': 'Last effort score',
  'call.sinceContact': 'Since the last contact ({date})',
  'call.sincePrevious': 'Since the previous answer',
  'call.npsMove': 'NPS {from} → {to}',
  'call.nothingNew': 'Nothing new',
  'call.newResponses': { one: '{count} new response', other: '{count} new responses' },
  'call.detractors': { one: '{count} detractor', other: '{count} detractors' },
} satisfies Record<string, string | PluralMessage>;

export type MessageKey = keyof typeof en;
export type Catalog = Record<MessageKey, string | PluralMessage>;

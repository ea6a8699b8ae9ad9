// Seed text shared by the HubSpot and Salesforce sandboxes, so both CRMs show the same kind of world
// and the same hard cases (markup, emoji, right-to-left scripts, a very long comment).

export const FIRST_NAMES = [
  'Ada', 'Bruno', 'Chiara', 'Dmitri', 'Elena', 'Farah', 'Gustav', 'Hana', 'Ibrahim', 'Jana',
  'Kofi', 'Lena', 'Mateo', 'Nadia', 'Oskar', 'Priya', 'Quentin', 'Rosa', 'Sven', 'Tomoko',
  'Uma', 'Viktor', 'Wen', 'Ximena', 'Yusuf', 'Zofia', 'Amara', 'Björn', 'Camille', 'Diego',
  'Émilie', 'Fatima', 'Giulia', 'Hiroshi', 'Ines', 'João', 'Karin', 'Leila', 'Marek', 'Noor',
] as const;

export const LAST_NAMES = [
  'Okafor', 'Lindqvist', 'Moreau', 'Petrov', 'Nakamura', 'García', 'Schmidt', 'Haddad', 'Kowalski', 'Rossi',
  'Andersen', 'Dubois', 'Novak', 'Tanaka', 'Fischer', 'Silva', 'Öztürk', 'Mensah', 'Kaur', 'Walsh',
  "O'Brien", 'van der Berg', 'Ivanova', 'Costa', 'Nguyen', 'Yilmaz', 'Cohen', 'Larsen', 'Bauer', 'Romero',
] as const;

export const COMPANY_WORDS = [
  'Acme', 'Blue Harbor', 'Cobalt', 'Driftwood', 'Evergreen', 'Foxglove', 'Granite', 'Helios', 'Ironbark', 'Juniper',
  'Kestrel', 'Lumen', 'Meridian', 'Nimbus', 'Orchard', 'Pinnacle', 'Quarry', 'Redwood', 'Summit', 'Tidewater',
  'Umber', 'Vantage', 'Willow', 'Xenon', 'Yarrow', 'Zephyr', 'Alder', 'Beacon', 'Cedar', 'Delta',
] as const;

export const COMPANY_SUFFIXES = ['Labs', 'Logistics', 'Health', 'Systems', 'Foods', 'Analytics', 'Partners', 'Energy'] as const;

/** The big B2B account that must stay fast: thousands of contacts, tens of thousands of responses. */
export const BIG_COMPANY_NAME = 'Northwind Global';

export const INDUSTRIES = ['COMPUTER_SOFTWARE', 'HOSPITAL_HEALTH_CARE', 'LOGISTICS_AND_SUPPLY_CHAIN', 'RETAIL', 'FINANCIAL_SERVICES', 'UTILITIES'] as const;

export const JOB_TITLES = [
  'Chief Executive Officer', 'VP Operations', 'Head of Procurement', 'IT Director', 'Finance Manager',
  'Customer Success Lead', 'Office Manager', 'Software Engineer', 'Data Analyst', 'Support Specialist',
  'Marketing Director', 'Project Manager', 'Chief Technology Officer', 'Buyer', 'Operations Analyst',
] as const;

/** Role in the buying group (used by weighted account roll-ups). */
export const BUYING_ROLES = ['DECISION_MAKER', 'BUDGET_HOLDER', 'CHAMPION', 'INFLUENCER', 'END_USER'] as const;

export const PROMOTER_COMMENTS = [
  'Great support team, they fixed our issue the same day.',
  'The new reporting saved us hours every week.',
  'Onboarding was smooth and the docs are excellent.',
  'I recommend you to every colleague who asks.',
  'Reliable, fast, and the account manager really listens.',
] as const;

export const PASSIVE_COMMENTS = [
  'Does the job, but pricing went up again.',
  'Fine overall. The mobile app is slow sometimes.',
  'Good product, support could answer faster.',
  'OK. Missing a few integrations we need.',
] as const;

export const DETRACTOR_COMMENTS = [
  'Invoices were wrong three months in a row and nobody called back.',
  'The outage last week cost us a full day of orders.',
  'Support closed my ticket without fixing anything.',
  'Too hard to use, my team went back to spreadsheets.',
  'We are evaluating alternatives because of the renewal price.',
] as const;

export const CSAT_COMMENTS = [
  'Quick answer, thank you.',
  'Had to explain the problem twice.',
  'The agent was friendly and knew the product.',
] as const;

export const CES_COMMENTS = [
  'Took three calls to get it sorted.',
  'Self-service portal made it easy.',
  'Had to fill the same form twice.',
] as const;

/** A comment that is exactly 10,000 characters long (sentences repeated, then cut). */
export const LONG_COMMENT: string = (() => {
  const sentence = 'We have used the platform for four years and this renewal is the hardest decision yet; ';
  return sentence.repeat(Math.ceil(10_000 / sentence.length)).slice(0, 9_999) + '.';
})();

/** Comments that break naive renderers, stores and layouts. */
export const HARD_COMMENTS = {
  html: 'Loved it <img src=x onerror=alert(1)> but the <b>bold</b> claims in the contract were not true </textarea><script>alert(2)</script>',
  emoji: 'Service was great 🙂👍🏽 — will renew! 🎉',
  arabic: 'الخدمة كانت بطيئة جداً ولم يرد أحد على بريدي الإلكتروني',
  hebrew: 'השירות היה מצוין, תודה רבה לצוות התמיכה',
  russian: 'Поддержка ответила быстро, но проблема так и не решена.',
  long: LONG_COMMENT,
} as const;

export const HARD_COMMENT_LIST: readonly string[] = Object.values(HARD_COMMENTS);

export const SURVEY_NAMES = {
  nps: 'Relationship NPS',
  csat: 'Support CSAT',
  ces: 'Customer Effort',
} as const;

export const SURVEY_CHANNELS = ['EMAIL', 'WEB', 'IN_APP', 'SMS'] as const;

export const NOTE_SUBJECTS = [
  'Quarterly business review',
  'Renewal call',
  'Called about the billing issue',
] as const;

export const TICKET_SUBJECTS = [
  'Invoice shows the wrong amount',
  'Cannot export the monthly report',
  'Login fails after password reset',
  'Request: add SSO for the EU team',
  'Data sync delayed by several hours',
] as const;

export const DEAL_NAMES = ['Renewal', 'Expansion', 'New seats', 'Professional services', 'Upgrade to Enterprise'] as const;

// What the build bundles into each card (the HubSpot card's lib/loyalty-core.js, the Lightning component
// c/loyaltyCore): core/'s figures and the extension's words, never a copy of them.

export { cardFigures, type CardAccount, type CardContact, type CardFigures, type CardFollowUp, type CardRules } from './figures';
export { cardI18n, cardWords, figureTexts, localeOf, type CardWords, type FigureName, type Locale } from './texts';
export { OUTCOME_RESULTS } from '../../core/outcome-results';
export type { OutcomeResult } from '../../core/schema';

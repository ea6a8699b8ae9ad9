import { createElement } from 'lwc';
import LoyaltyLensCard from 'c/loyaltyLensCard';
import { getRecord } from 'lightning/uiRecordApi';
import { graphql } from 'lightning/uiGraphQLApi';

// The same figures in Russian, for a user whose Salesforce language is Russian (@salesforce/i18n/lang).
jest.mock('@salesforce/i18n/lang', () => ({ default: 'ru' }), { virtual: true });

const org = require('../../../../../../jest/sandbox-org');
const expected = require('../../../../../../../../test/fixtures/expected-figures.json');

const PANEL_FIGURES = ['contact-latest-score', 'contact-segment', 'account-nps', 'account-margin', 'account-n', 'revenue-at-risk', 'open-followups'];
const flush = () => new Promise((resolve) => setTimeout(resolve, 0));

afterEach(() => {
    while (document.body.firstChild) document.body.removeChild(document.body.firstChild);
});

describe('the Lightning component in Russian', () => {
    for (const name of ['salesforce contact', 'salesforce account', 'salesforce opportunity', 'salesforce case']) {
        it(`shows the panel's Russian figures on the ${name.replace('salesforce ', '')} record page`, async () => {
            const record = org.records[name];
            const element = createElement('c-loyalty-lens-card', { is: LoyaltyLensCard });
            element.recordId = record.recordId;
            element.objectApiName = record.objectApiName;
            document.body.appendChild(element);
            getRecord.emit(record.record);
            await flush();
            graphql.emit(record.context, (config) => Boolean(config && config.variables && 'contactId' in config.variables));
            if (record.currencies) graphql.emit(record.currencies, (config) => Boolean(config && config.variables && !('contactId' in config.variables) && 'accountId' in config.variables));
            await flush();
            const shown = {};
            for (const node of element.shadowRoot.querySelectorAll('[data-ll-figure]')) {
                const text = node.textContent.trim();
                if (PANEL_FIGURES.includes(node.getAttribute('data-ll-figure')) && text) shown[node.getAttribute('data-ll-figure')] = text;
            }
            expect(shown).toEqual(expected.records[name].ru);
            expect(element.shadowRoot.querySelector('lightning-card').title).toBe('Loyalty Lens');
        });
    }
});

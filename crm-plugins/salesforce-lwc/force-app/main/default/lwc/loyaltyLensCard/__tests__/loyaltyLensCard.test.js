import { createElement } from 'lwc';
import LoyaltyLensCard from 'c/loyaltyLensCard';
import { createRecord, getRecord } from 'lightning/uiRecordApi';
import { graphql } from 'lightning/uiGraphQLApi';

// The Lightning component rendered by sfdx-lwc-jest, its wires answered from the sandbox org (crm-plugins/test-support
// /lwc-run.ts reads them there), its createRecord sent to the org: the figures it shows are the ones the extension's
// panel shows for the same record (test/fixtures/expected-figures.json), and an outcome it logs is one Task.

const org = require('../../../../../../jest/sandbox-org');
const expected = require('../../../../../../../../test/fixtures/expected-figures.json');

const PANEL_FIGURES = ['contact-latest-score', 'contact-segment', 'account-nps', 'account-margin', 'account-n', 'revenue-at-risk', 'open-followups'];
const SALESFORCE_RECORDS = ['salesforce contact', 'salesforce account', 'salesforce opportunity', 'salesforce case'];

const flush = () => new Promise((resolve) => setTimeout(resolve, 0));

async function waitFor(check) {
    for (let i = 0; i < 200; i++) {
        try {
            return check();
        } catch (error) {
            if (i === 199) throw error;
            await new Promise((resolve) => setTimeout(resolve, 10));
        }
    }
    return undefined;
}

async function mount(name) {
    const record = org.records[name];
    const element = createElement('c-loyalty-lens-card', { is: LoyaltyLensCard });
    element.recordId = record.recordId;
    element.objectApiName = record.objectApiName;
    document.body.appendChild(element);
    expect(element.shadowRoot.querySelector('lightning-spinner')).not.toBeNull();
    getRecord.emit(record.record);
    await flush();
    graphql.emit(record.context, (config) => Boolean(config && config.variables && 'contactId' in config.variables));
    if (record.currencies) graphql.emit(record.currencies, (config) => Boolean(config && config.variables && !('contactId' in config.variables) && 'accountId' in config.variables));
    await flush();
    return element;
}

function shownFigures(element) {
    const shown = {};
    for (const node of element.shadowRoot.querySelectorAll('[data-ll-figure]')) {
        const name = node.getAttribute('data-ll-figure');
        const text = node.textContent.trim();
        if (PANEL_FIGURES.includes(name) && text) shown[name] = text;
    }
    return shown;
}

afterEach(() => {
    while (document.body.firstChild) document.body.removeChild(document.body.firstChild);
    jest.clearAllMocks();
});

describe('the Lightning component shows what the panel shows', () => {
    for (const name of SALESFORCE_RECORDS) {
        it(`on the ${name.replace('salesforce ', '')} record page, in English`, async () => {
            const element = await mount(name);
            expect(shownFigures(element)).toEqual(expected.records[name].en);
        });
    }

    it('lists the open follow-ups with their clock and owner, in the order to work them', async () => {
        const element = await mount('salesforce account');
        const rows = [...element.shadowRoot.querySelectorAll('li.follow-up')];
        expect(rows).toHaveLength(6);
        // A Case reads as its number and subject, as the panel names it.
        expect(rows[0].querySelector('a').textContent).toMatch(/^\d{8} · \S/);
        // Due by the SLA of the contact's latest segment, counted from when the Case was opened: long overdue here.
        const clocks = rows.map((row) => row.querySelector('.clock').textContent);
        expect(clocks).toEqual(rows.map(() => expect.stringMatching(/^Overdue \d+ days · due [A-Z][a-z]{2} \d{1,2}( · Most unhappy)?$/)));
        // Ranked by the contact's latest NPS answer where a Case links none: the most unhappy (0–3) first.
        const urgent = clocks.map((clock) => clock.endsWith(' · Most unhappy'));
        expect(urgent[0]).toBe(true);
        expect(urgent).toEqual([...urgent].sort((a, b) => Number(b) - Number(a)));
    });

    it('sums revenue at risk in the org’s one currency where the org has no CurrencyIsoCode', async () => {
        const record = org.records['salesforce account'];
        const element = createElement('c-loyalty-lens-card', { is: LoyaltyLensCard });
        element.recordId = record.recordId;
        element.objectApiName = record.objectApiName;
        document.body.appendChild(element);
        getRecord.emit(record.record);
        await flush();
        graphql.emit(record.context, (config) => Boolean(config && config.variables && 'contactId' in config.variables));
        graphql.emitErrors([{ message: "No such column 'CurrencyIsoCode' on entity 'Account'." }], (config) => Boolean(config && config.variables && !('contactId' in config.variables) && 'accountId' in config.variables));
        await flush();
        expect(shownFigures(element)['revenue-at-risk']).toBe('207,000');
        expect(shownFigures(element)['account-nps']).toBe(expected.records['salesforce account'].en['account-nps']);
    });

    it('names what went wrong when the org refuses the query', async () => {
        const record = org.records['salesforce contact'];
        const element = createElement('c-loyalty-lens-card', { is: LoyaltyLensCard });
        element.recordId = record.recordId;
        element.objectApiName = record.objectApiName;
        document.body.appendChild(element);
        getRecord.emit(record.record);
        await flush();
        graphql.emitErrors([{ message: 'Insufficient access rights on SurveyQuestionResponse.' }], (config) => Boolean(config && config.variables && 'contactId' in config.variables));
        await flush();
        const alert = element.shadowRoot.querySelector('[role="alert"]');
        expect(alert.textContent).toContain('This record could not be loaded.');
        expect(alert.textContent).toContain('Insufficient access rights on SurveyQuestionResponse.');
    });
});

describe('an outcome logged from the Lightning component', () => {
    async function fillForm(element) {
        const save = element.shadowRoot.querySelector('lightning-button.save');
        // Nothing is chosen for the person: Save waits for a result.
        expect(element.shadowRoot.querySelector('lightning-combobox').value).toBeNull();
        expect(save.disabled).toBe(true);
        element.shadowRoot.querySelector('lightning-combobox').dispatchEvent(new CustomEvent('change', { detail: { value: 'reached-resolved' } }));
        element.shadowRoot.querySelector('lightning-input').dispatchEvent(new CustomEvent('change', { detail: { checked: true } }));
        await flush();
        expect(save.disabled).toBe(false);
        return save;
    }

    async function lookUpKeyAsTheWireDoes(key) {
        await waitFor(() => expect(graphql.getLastConfig().variables).toEqual({ key }));
        graphql.emit(await org.tasksWithKey(key), (config) => Boolean(config && config.variables && config.variables.key === key));
        await flush();
    }

    async function tasksWithKey(key) {
        return (await org.tasksWithKey(key)).uiapi.query.Task.edges.length;
    }

    it('is one Task when the answer to the first createRecord is lost after Salesforce saved it', async () => {
        createRecord.mockImplementation(org.createRecord);
        const element = await mount('salesforce case');
        const save = await fillForm(element);
        await org.setFaults([{ match: '^POST /services/data/v[0-9.]+/sobjects/Task$', dropAfterCommit: true, times: 1 }]);

        save.click();
        await waitFor(() => expect(element.shadowRoot.querySelector('.failure').textContent).toMatch(/^Not written to Salesforce: Salesforce did not answer/));
        expect(save.label).toBe('Retry');
        const input = createRecord.mock.calls[0][0];
        const key = input.fields.Loyalty_Lens_Key__c;
        expect(input.apiName).toBe('Task');
        expect(input.fields).toMatchObject({ Status: 'Completed', WhoId: org.records['salesforce case'].variables.contactId, WhatId: org.records['salesforce case'].recordId });
        expect(input.fields.Subject).toBe('Loyalty Lens: Reached, resolved');
        expect(await tasksWithKey(key)).toBe(1);

        save.click();
        await lookUpKeyAsTheWireDoes(key);
        await waitFor(() => expect(element.shadowRoot.querySelector('.saved').textContent).toContain('Written to Salesforce'));
        expect(createRecord).toHaveBeenCalledTimes(1);
        expect(await tasksWithKey(key)).toBe(1);
    });

    it('is one Task when Salesforce answered 503 before saving: the key is looked up, found missing, and sent once more', async () => {
        createRecord.mockImplementation(org.createRecord);
        const element = await mount('salesforce contact');
        const save = await fillForm(element);
        await org.setFaults([{ match: '^POST /services/data/v[0-9.]+/sobjects/Task$', status: 503, times: 1 }]);

        save.click();
        await waitFor(() => expect(element.shadowRoot.querySelector('.failure')).not.toBeNull());
        const key = createRecord.mock.calls[0][0].fields.Loyalty_Lens_Key__c;
        expect(await tasksWithKey(key)).toBe(0);

        save.click();
        await lookUpKeyAsTheWireDoes(key);
        await waitFor(() => expect(element.shadowRoot.querySelector('.saved')).not.toBeNull());
        expect(createRecord).toHaveBeenCalledTimes(2);
        expect(createRecord.mock.calls[1][0].fields.Loyalty_Lens_Key__c).toBe(key);
        expect(await tasksWithKey(key)).toBe(1);
    });

    it('is one Task when a repeat meets the key field’s duplicate error: the first Task is found by its key', async () => {
        createRecord.mockImplementation(org.createRecord);
        const element = await mount('salesforce contact');
        const save = await fillForm(element);
        // The first Task is saved and its answer lost, then the org refuses the same key again.
        await org.setFaults([{ match: '^POST /services/data/v[0-9.]+/sobjects/Task$', dropAfterCommit: true, times: 1 }]);
        save.click();
        await waitFor(() => expect(element.shadowRoot.querySelector('.failure')).not.toBeNull());
        const key = createRecord.mock.calls[0][0].fields.Loyalty_Lens_Key__c;
        const again = await org.createRecord(createRecord.mock.calls[0][0]).catch((error) => error);
        expect(JSON.stringify(again.body)).toContain('DUPLICATE_VALUE');
        save.click();
        await lookUpKeyAsTheWireDoes(key);
        await waitFor(() => expect(element.shadowRoot.querySelector('.saved')).not.toBeNull());
        expect(await tasksWithKey(key)).toBe(1);
    });
});

import { LightningElement, api, wire } from 'lwc';
import { createRecord, getRecord } from 'lightning/uiRecordApi';
import { gql, graphql } from 'lightning/uiGraphQLApi';
import LANG from '@salesforce/i18n/lang';
import {
    cardFigures,
    cardWords,
    contextFromGraphql,
    DEFAULT_RULES,
    errorMessage,
    figureTexts,
    localeOf,
    mayHaveSaved,
    newOutcomeKey,
    OUTCOME_RESULTS,
    taskRecordInput
} from 'c/loyaltyCore';

// The Loyalty Lens card on Contact, Account, Opportunity and Case record pages. It reads through the UI API (getRecord
// for the record, one GraphQL query for its account's contacts, survey answers, open Cases and open opportunities),
// computes with the extension's core (c/loyaltyCore), and writes an outcome as one Task through createRecord with the
// Loyalty_Lens_Key__c External ID: after an answer that may have come after Salesforce saved it, the Task is looked up
// by that key before anything is sent again.

const VIEW_FIELDS = {
    Contact: ['Contact.Name', 'Contact.AccountId'],
    Account: ['Account.Name'],
    Opportunity: ['Opportunity.Name', 'Opportunity.AccountId'],
    Case: ['Case.CaseNumber', 'Case.Subject', 'Case.AccountId', 'Case.ContactId']
};

const CONTEXT_QUERY = gql`
    query loyaltyLensContext($accountId: ID, $contactId: ID, $opportunityId: ID) {
        uiapi {
            query {
                Account(where: { Id: { eq: $accountId } }, first: 1) {
                    edges { node { Id Name { value } OwnerId { value } Owner { Name { value } } } }
                }
                Opportunity(where: { and: [{ AccountId: { eq: $accountId } }, { IsClosed: { eq: false } }] }, first: 200, orderBy: { Amount: { order: DESC } }) {
                    edges {
                        node {
                            Id
                            Name { value }
                            Amount { value }
                            OpportunityContactRoles(first: 200) {
                                edges { node { ContactId { value } Contact { Name { value } } } }
                            }
                        }
                    }
                }
                OpportunityContactRole(where: { OpportunityId: { eq: $opportunityId } }, first: 200) {
                    edges { node { ContactId { value } } }
                }
                Contact(where: { or: [{ AccountId: { eq: $accountId } }, { Id: { eq: $contactId } }] }, first: 200, orderBy: { Name: { order: ASC } }) {
                    edges {
                        node {
                            Id
                            Name { value }
                            Email { value }
                            Title { value }
                            AccountId { value }
                            OwnerId { value }
                            Owner { Name { value } }
                            CreatedDate { value }
                        }
                    }
                }
                SurveyQuestionResponse(
                    where: {
                        and: [
                            { Question: { QuestionType: { in: ["NPS", "FreeText"] } } }
                            { or: [{ Invitation: { Contact: { AccountId: { eq: $accountId } } } }, { Invitation: { ContactId: { eq: $contactId } } }] }
                        ]
                    }
                    first: 2000
                    orderBy: { Response: { CompletionDateTime: { order: DESC } } }
                ) {
                    edges {
                        node {
                            Id
                            NumberValue { value }
                            ResponseValue { value }
                            QuestionId { value }
                            Question { Name { value } QuestionType { value } }
                            ResponseId { value }
                            Response { CompletionDateTime { value } Status { value } }
                            InvitationId { value }
                            Invitation { ContactId { value } LeadId { value } Contact { AccountId { value } } Survey { Name { value } } }
                        }
                    }
                }
                Case(
                    where: { and: [{ IsClosed: { eq: false } }, { or: [{ AccountId: { eq: $accountId } }, { ContactId: { eq: $contactId } }] }] }
                    first: 200
                    orderBy: { CreatedDate: { order: DESC } }
                ) {
                    edges {
                        node {
                            Id
                            CaseNumber { value }
                            Subject { value }
                            Status { value }
                            IsClosed { value }
                            ContactId { value }
                            AccountId { value }
                            OwnerId { value }
                            Owner { ... on User { Name { value } } }
                            CreatedDate { value }
                        }
                    }
                }
                Task(
                    where: { and: [{ IsClosed: { eq: false } }, { or: [{ AccountId: { eq: $accountId } }, { WhoId: { eq: $contactId } }] }] }
                    first: 200
                    orderBy: { CreatedDate: { order: DESC } }
                ) {
                    edges {
                        node {
                            Id
                            Subject { value }
                            Status { value }
                            IsClosed { value }
                            ActivityDate { value }
                            WhoId { value }
                            WhatId { value }
                            OwnerId { value }
                            Owner { ... on User { Name { value } } }
                            CreatedDate { value }
                        }
                    }
                }
            }
        }
    }
`;

// Only multi-currency orgs have CurrencyIsoCode; asked apart, so a single-currency org's error here leaves the rest.
const CURRENCY_QUERY = gql`
    query loyaltyLensCurrencies($accountId: ID) {
        uiapi {
            query {
                Account(where: { Id: { eq: $accountId } }, first: 1) {
                    edges { node { Id CurrencyIsoCode { value } } }
                }
                Opportunity(where: { and: [{ AccountId: { eq: $accountId } }, { IsClosed: { eq: false } }] }, first: 200) {
                    edges { node { Id CurrencyIsoCode { value } } }
                }
            }
        }
    }
`;

const TASK_BY_KEY = gql`
    query loyaltyLensTaskByKey($key: String) {
        uiapi {
            query {
                Task(where: { Loyalty_Lens_Key__c: { eq: $key } }, first: 1) {
                    edges { node { Id } }
                }
            }
        }
    }
`;

function fieldValue(record, name) {
    const field = record && record.fields ? record.fields[name] : undefined;
    return field ? field.value : null;
}

export default class LoyaltyLensCard extends LightningElement {
    @api recordId;
    @api objectApiName;

    view;
    contextData;
    currencies;
    loadError;
    result = null;
    causes = [];
    note = '';
    thanked = false;
    // One key per outcome: every send of the same outcome carries it, so Salesforce keeps one Task.
    outcomeKey = newOutcomeKey();
    sendState = 'idle';
    sendError = null;
    mightBeSaved = false;
    savedTaskId = null;
    keyLookup;

    get words() {
        return cardWords(localeOf(LANG), 'Salesforce');
    }

    get viewFields() {
        return VIEW_FIELDS[this.objectApiName];
    }

    @wire(getRecord, { recordId: '$recordId', fields: '$viewFields' })
    wiredRecord({ data, error }) {
        if (error) {
            this.loadError = errorMessage(error);
            return;
        }
        if (!data) return;
        const object = this.objectApiName;
        const title =
            object === 'Case' ? [fieldValue(data, 'CaseNumber'), fieldValue(data, 'Subject')].filter(Boolean).join(': ') : fieldValue(data, 'Name');
        this.view = {
            objectApiName: object,
            recordId: this.recordId,
            title: title || '',
            accountId: object === 'Account' ? this.recordId : fieldValue(data, 'AccountId'),
            contactId: object === 'Contact' ? this.recordId : object === 'Case' ? fieldValue(data, 'ContactId') : null
        };
    }

    get contextVariables() {
        if (!this.view) return undefined;
        return {
            accountId: this.view.accountId,
            contactId: this.view.contactId,
            opportunityId: this.view.objectApiName === 'Opportunity' ? this.view.recordId : null
        };
    }

    @wire(graphql, { query: CONTEXT_QUERY, variables: '$contextVariables' })
    wiredContext({ data, errors }) {
        if (errors) {
            this.loadError = errorMessage(errors);
            return;
        }
        if (data) this.contextData = data;
    }

    get currencyVariables() {
        return this.view && this.view.accountId ? { accountId: this.view.accountId } : undefined;
    }

    @wire(graphql, { query: CURRENCY_QUERY, variables: '$currencyVariables' })
    wiredCurrencies({ data, errors }) {
        // An org without multiple currencies has no CurrencyIsoCode: its amounts are in the org's one currency.
        if (errors) this.currencies = {};
        else if (data) this.currencies = currencyCodes(data);
    }

    get context() {
        if (!this.contextData || !this.view) return null;
        const currencies = this.view.accountId ? this.currencies : {};
        if (!currencies) return null;
        return contextFromGraphql(this.contextData, this.view, window.location.host, Date.now(), currencies);
    }

    @wire(graphql, { query: TASK_BY_KEY, variables: '$keyLookup' })
    wiredTaskByKey({ data, errors }) {
        if (!this.keyLookup || (!data && !errors)) return;
        this.keyLookup = undefined;
        if (errors) {
            this.failed(errors, true);
            return;
        }
        const edges = data.uiapi.query.Task.edges;
        if (edges.length > 0) this.saved(edges[0].node.Id);
        else this.create();
    }

    get now() {
        return Date.now();
    }

    get figures() {
        return this.context ? cardFigures(this.context, this.rules, this.now) : null;
    }

    get rules() {
        return DEFAULT_RULES;
    }

    get isLoading() {
        return !this.loadError && !this.context;
    }

    get hasFigures() {
        return Boolean(this.figures);
    }

    get isEmpty() {
        const f = this.figures;
        return Boolean(f) && !f.hasResponses && f.followUps.length === 0 && !f.account;
    }

    get texts() {
        return this.figures ? figureTexts(this.figures, this.words.i18n) : {};
    }

    get contact() {
        return this.figures ? this.figures.contact : null;
    }

    get contactScore() {
        return this.texts['contact-latest-score'] || '';
    }

    get contactSegment() {
        return this.texts['contact-segment'] || '';
    }

    get noScore() {
        return !this.texts['contact-latest-score'];
    }

    get accountNps() {
        return this.texts['account-nps'] || '';
    }

    get accountMargin() {
        return this.texts['account-margin'] || '';
    }

    get accountN() {
        return this.texts['account-n'] || '';
    }

    get revenueAtRisk() {
        return this.texts['revenue-at-risk'] || '';
    }

    get openFollowUps() {
        return this.texts['open-followups'] || '';
    }

    get segmentClass() {
        const segment = this.contact ? this.contact.segment : null;
        return `slds-badge ${segment === 'detractor' ? 'slds-theme_error' : segment === 'promoter' ? 'slds-theme_success' : ''}`;
    }

    get account() {
        return this.figures ? this.figures.account : null;
    }

    get tooFewText() {
        return this.account && this.account.tooFew ? this.words.tooFew(this.account.n) : null;
    }

    get methodText() {
        return this.figures ? this.words.method(this.figures) : '';
    }

    get followUpRows() {
        const figures = this.figures;
        if (!figures) return [];
        const words = this.words;
        return figures.followUps.map((row) => ({
            id: row.id,
            title: row.title,
            href: `/lightning/r/Case/${row.id}/view`,
            clock: words.clock(row, this.now) + (row.priority === 'urgent' ? ` · ${words.urgent}` : ''),
            owner: row.ownerName ? words.owner(row.ownerName) : words.noOwner
        }));
    }

    get hasFollowUps() {
        return this.followUpRows.length > 0;
    }

    get followUp() {
        const figures = this.figures;
        if (!figures) return null;
        return figures.followUps.find((f) => f.contactId && (!figures.contact || f.contactId === figures.contact.id)) || null;
    }

    get outcomeContactId() {
        const figures = this.figures;
        if (!figures) return null;
        if (figures.contact) return figures.contact.id;
        return this.followUp ? this.followUp.contactId : null;
    }

    get showForm() {
        return Boolean(this.outcomeContactId) && this.sendState !== 'saved';
    }

    get formTitle() {
        const name = (this.figures && this.figures.contact && this.figures.contact.name) || (this.followUp && this.followUp.contactName);
        return name ? this.words.formTitleFor(name) : this.words.formTitle;
    }

    get resultOptions() {
        const words = this.words;
        return OUTCOME_RESULTS.map((value) => ({ label: words.results[value], value }));
    }

    get causeOptions() {
        return DEFAULT_RULES.rootCauses.map((value) => ({ label: value, value }));
    }

    get saveDisabled() {
        return !this.result || this.sendState === 'sending';
    }

    get saveLabel() {
        if (this.sendState === 'sending') return this.words.sending;
        return this.sendState === 'failed' ? this.words.retry : this.words.send;
    }

    get isSaved() {
        return this.sendState === 'saved';
    }

    get failureText() {
        return this.sendState === 'failed' ? this.words.failed(this.sendError) : null;
    }

    get savedHref() {
        return this.savedTaskId ? `/lightning/r/Task/${this.savedTaskId}/view` : null;
    }

    handleResult(event) {
        this.result = event.detail.value;
    }

    handleCauses(event) {
        this.causes = event.detail.value;
    }

    handleNote(event) {
        this.note = event.detail.value;
    }

    handleThanked(event) {
        this.thanked = event.detail.checked;
    }

    handleSave() {
        if (this.saveDisabled) return;
        this.sendState = 'sending';
        // A Task the last send may have saved is looked up by its key first (wiredTaskByKey), never sent blindly.
        if (this.mightBeSaved) this.keyLookup = { key: this.outcomeKey };
        else this.create();
    }

    create() {
        const figures = this.figures;
        const followUp = this.followUp;
        const input = taskRecordInput(
            this.view,
            window.location.host,
            {
                contactId: this.outcomeContactId,
                followUpId: followUp ? followUp.id : null,
                responseId: figures.contact ? figures.contact.responseId : null,
                result: this.result,
                rootCauses: this.causes,
                note: this.note,
                thanked: this.thanked,
                closeFollowUp: false,
                idempotencyKey: this.outcomeKey,
                loggedBy: null
            },
            Date.now()
        );
        createRecord(input)
            .then((record) => this.saved(record.id))
            .catch((error) => this.failed(error, mayHaveSaved(error) || isDuplicateKey(error)));
    }

    saved(taskId) {
        this.savedTaskId = taskId;
        this.sendState = 'saved';
        this.mightBeSaved = false;
    }

    failed(error, mightBeSaved) {
        this.sendError = errorMessage(error);
        this.mightBeSaved = this.mightBeSaved || mightBeSaved;
        this.sendState = 'failed';
    }

    handleAnother() {
        this.outcomeKey = newOutcomeKey();
        this.result = null;
        this.causes = [];
        this.note = '';
        this.thanked = false;
        this.sendState = 'idle';
        this.sendError = null;
        this.mightBeSaved = false;
        this.savedTaskId = null;
    }
}

/** Record id → ISO currency code, from the currency query. */
function currencyCodes(data) {
    const codes = {};
    for (const name of ['Account', 'Opportunity']) {
        for (const edge of data.uiapi.query[name].edges) codes[edge.node.Id] = edge.node.CurrencyIsoCode ? edge.node.CurrencyIsoCode.value : null;
    }
    return codes;
}

/** The key field refused a second Task with the same key: the first one is there. */
function isDuplicateKey(error) {
    const body = error && error.body;
    const text = JSON.stringify(body || '');
    return text.includes('DUPLICATE_VALUE') && text.includes('Loyalty_Lens_Key__c');
}

// The sandbox org as the component's tests reach it (crm-plugins/test-support/lwc-run.ts starts it and writes
// .sandbox/): createRecord and the key lookup go to its REST API, faults to its admin API, over plain HTTP with the
// org's host name, as the component's own requests would reach Salesforce.
const http = require('node:http');
const fs = require('node:fs');
const path = require('node:path');

const DIR = path.join(__dirname, '..', '.sandbox');
const org = JSON.parse(fs.readFileSync(path.join(DIR, 'org.json'), 'utf8'));
const records = JSON.parse(fs.readFileSync(path.join(DIR, 'records.json'), 'utf8'));

function request(method, pathname, body) {
    return new Promise((resolve, reject) => {
        const url = new URL(org.httpUrl);
        const payload = body === undefined ? undefined : JSON.stringify(body);
        const req = http.request(
            {
                host: url.hostname,
                port: url.port,
                method,
                path: pathname,
                headers: {
                    host: pathname.startsWith('/__sandbox/') ? url.host : org.apiHost,
                    authorization: `Bearer ${org.token}`,
                    ...(payload ? { 'content-type': 'application/json' } : {})
                }
            },
            (res) => {
                const chunks = [];
                res.on('data', (c) => chunks.push(c));
                res.on('end', () => {
                    const text = Buffer.concat(chunks).toString('utf8');
                    resolve({ status: res.statusCode, body: text ? JSON.parse(text) : null });
                });
            }
        );
        req.on('error', reject);
        if (payload) req.write(payload);
        req.end();
    });
}

const api = (rest) => `/services/data/v${org.apiVersion}${rest}`;

async function soql(query) {
    const answer = await request('GET', api(`/query?q=${encodeURIComponent(query)}`));
    if (answer.status !== 200) throw new Error(`The sandbox org refused ${query}: ${JSON.stringify(answer.body)}`);
    return answer.body.records;
}

/** createRecord as the UI API answers it: the record, or a rejection with the status and Salesforce's errors. */
async function createRecord(recordInput) {
    let answer;
    try {
        answer = await request('POST', api(`/sobjects/${recordInput.apiName}`), recordInput.fields);
    } catch (error) {
        // The connection closed before an answer: no status, as when the browser's request fails.
        throw { body: { message: `Salesforce did not answer (${error.message}).` } };
    }
    if (answer.status === 201) return { apiName: recordInput.apiName, id: answer.body.id, fields: {} };
    const errors = Array.isArray(answer.body) ? answer.body : [];
    throw { status: answer.status, body: { message: errors.map((e) => e.message).join(' ') || `HTTP ${answer.status}`, output: { errors } } };
}

/** The component's TASK_BY_KEY query, answered from the org in GraphQL's shape. */
async function tasksWithKey(key) {
    const rows = await soql(`SELECT Id FROM Task WHERE Loyalty_Lens_Key__c = '${key}'`);
    return { uiapi: { query: { Task: { edges: rows.map((r) => ({ node: { Id: r.Id } })) } } } };
}

async function setFaults(rules) {
    const answer = await request('POST', '/__sandbox/faults', rules);
    if (answer.status !== 200) throw new Error(`The sandbox refused the faults: ${JSON.stringify(answer.body)}`);
}

module.exports = { records, createRecord, tasksWithKey, setFaults, soql };

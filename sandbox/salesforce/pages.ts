import { toId18 } from '../../integrations/salesforce/ids';
import type { SandboxResponse } from '../types';
import { SALESFORCE_FIXTURES } from './fixtures';
import { objectByPrefix, objectDef, type ObjectDef } from './schema';
import type { Row, Store } from './store';

// Lightning-like record pages: one HTML shell that renders records client-side and navigates with
// history.pushState, as Lightning does, so the extension must follow SPA navigation. Page data comes
// from a same-origin helper endpoint, never from the REST API (which needs a token).

interface LinkValue {
  id: string;
  objectName: string;
  label: string;
}

export interface PageData {
  id: string;
  objectName: string;
  objectLabel: string;
  title: string;
  fields: { label: string; value: string | null; link?: LinkValue }[];
  related: { title: string; total: number; records: LinkValue[] }[];
}

const SHOWN_FIELDS: Record<string, string[]> = {
  Account: ['Name', 'Type', 'Industry', 'AnnualRevenue', 'NumberOfEmployees', 'BillingCity', 'BillingCountry', 'Website', 'OwnerId', 'IsPersonAccount'],
  Contact: ['Name', 'Title', 'AccountId', 'Email', 'Phone', 'MailingCity', 'OwnerId'],
  Opportunity: ['Name', 'AccountId', 'StageName', 'Amount', 'CloseDate', 'Probability', 'OwnerId'],
  Case: ['CaseNumber', 'Subject', 'Status', 'Priority', 'Origin', 'AccountId', 'ContactId', 'OwnerId', 'Description'],
  Lead: ['Name', 'Company', 'Title', 'Email', 'Status', 'OwnerId'],
  Task: ['Subject', 'Status', 'ActivityDate', 'WhoId', 'WhatId', 'OwnerId', 'Description'],
  User: ['Name', 'Title', 'Email'],
};

const RELATED: Record<string, [title: string, child: string, field: string][]> = {
  Account: [['Contacts', 'Contact', 'AccountId'], ['Opportunities', 'Opportunity', 'AccountId'], ['Cases', 'Case', 'AccountId']],
  Contact: [['Cases', 'Case', 'ContactId'], ['Activities', 'Task', 'WhoId']],
  Opportunity: [['Activities', 'Task', 'WhatId']],
  Case: [['Activities', 'Task', 'WhatId']],
  Lead: [['Activities', 'Task', 'WhoId']],
};

function labelOf(object: ObjectDef, row: Row): string {
  return String(row[object.nameField] ?? row.Id);
}

function link(store: Store, id: unknown): LinkValue | undefined {
  if (typeof id !== 'string') return undefined;
  const object = objectByPrefix(id);
  const row = object ? store.get(object, id) : undefined;
  return object && row ? { id, objectName: object.name, label: labelOf(object, row) } : undefined;
}

export function pageData(store: Store, rawId: string): PageData | null {
  const id = toId18(rawId);
  const object = id ? objectByPrefix(id) : undefined;
  const row = object && id ? store.get(object, id) : undefined;
  if (!object || !row || !id) return null;
  const fields = (SHOWN_FIELDS[object.name] ?? [object.nameField]).map((name) => {
    const field = object.fields.find((f) => f.name === name)!;
    const value = row[name] ?? null;
    const target = field.type === 'reference' ? link(store, value) : undefined;
    return { label: field.label, value: target ? target.label : value === null ? null : String(value), ...(target ? { link: target } : {}) };
  });
  const related = (RELATED[object.name] ?? []).map(([title, childName, field]) => {
    const child = objectDef(childName)!;
    const records: LinkValue[] = [];
    let total = 0;
    for (const childRow of store.rows(child)) {
      if (childRow[field] !== id) continue;
      total += 1;
      if (records.length < 10) records.push({ id: childRow.Id as string, objectName: child.name, label: labelOf(child, childRow) });
    }
    return { title, total, records };
  });
  return { id, objectName: object.name, objectLabel: object.label, title: labelOf(object, row), fields, related };
}

const SAMPLE_LINKS: [string, string, string][] = [
  ['Contact', SALESFORCE_FIXTURES.sampleContactId, 'Sample contact'],
  ['Account', SALESFORCE_FIXTURES.sampleAccountId, 'Sample account'],
  ['Account', SALESFORCE_FIXTURES.bigAccountId, 'Big account'],
  ['Contact', SALESFORCE_FIXTURES.contactWithoutAccountId, 'Contact without account'],
  ['Account', SALESFORCE_FIXTURES.personAccountId, 'Person account'],
  ['Opportunity', SALESFORCE_FIXTURES.opportunityId, 'Opportunity'],
  ['Case', SALESFORCE_FIXTURES.caseId, 'Case'],
  ['Lead', SALESFORCE_FIXTURES.leadId, 'Lead'],
];

const SCRIPT = `
const main = document.getElementById('record');
function esc(text) { return String(text).replace(/[&<>"']/g, (c) => '&#' + c.charCodeAt(0) + ';'); }
function href(r) { return '/lightning/r/' + r.objectName + '/' + r.id + '/view'; }
function idFromPath() {
  const m = /^\\/(?:lightning\\/r\\/(?:[A-Za-z_]+\\/)?([a-zA-Z0-9]{15,18})\\/|([a-zA-Z0-9]{15,18})\\/?$)/.exec(location.pathname);
  return m ? (m[1] || m[2]) : null;
}
async function render() {
  const id = idFromPath();
  if (!id) { main.innerHTML = '<h1>Home</h1>'; document.title = 'Home | Salesforce'; return; }
  main.innerHTML = '<p class="loading">Loading…</p>';
  const res = await fetch('/__sandbox/sf-page-data/' + id);
  if (!res.ok) { main.innerHTML = '<h1>Record not found</h1>'; return; }
  const d = await res.json();
  if (idFromPath() !== id) return;
  document.title = d.title + ' | ' + d.objectLabel + ' | Salesforce';
  main.innerHTML = '<header class="record-header"><span class="object">' + esc(d.objectLabel) + '</span><h1>' + esc(d.title) + '</h1></header>'
    + '<section class="details"><h2>Details</h2><dl>' + d.fields.map((f) => '<dt>' + esc(f.label) + '</dt><dd>'
      + (f.link ? '<a href="' + href(f.link) + '">' + esc(f.link.label) + '</a>' : esc(f.value ?? '')) + '</dd>').join('') + '</dl></section>'
    + d.related.map((r) => '<section class="related"><h2>' + esc(r.title) + ' (' + r.total + ')</h2><ul>'
      + r.records.map((x) => '<li><a href="' + href(x) + '">' + esc(x.label) + '</a></li>').join('') + '</ul></section>').join('');
}
document.addEventListener('click', (event) => {
  const a = event.target instanceof Element ? event.target.closest('a[href^="/"]') : null;
  if (!a || event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey) return;
  event.preventDefault();
  history.pushState({}, '', a.getAttribute('href'));
  render();
});
window.addEventListener('popstate', render);
render();
`;

export function recordPage(id: string | null): SandboxResponse {
  const nav = SAMPLE_LINKS.map(([objectName, recordId, label]) => `<a href="/lightning/r/${objectName}/${recordId}/view">${label}</a>`).join('');
  const body = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${id ? 'Loading…' : 'Home'} | Salesforce</title>
<style>
body{margin:0;font-family:system-ui,sans-serif;background:#f3f3f3;color:#181818}
.global{display:flex;align-items:center;gap:16px;background:#fff;border-bottom:3px solid #0176d3;padding:8px 16px}
.global .app{font-weight:700;color:#0176d3}.global nav{display:flex;gap:12px;flex-wrap:wrap}.global nav a{color:#181818;font-size:13px}
.crm-actions{margin-left:auto;display:flex;gap:6px}.crm-actions button{border:1px solid #c9c9c9;background:#fff;border-radius:4px;padding:4px 10px;color:#0176d3}
#record{margin:16px;background:#fff;border-radius:4px;padding:16px;box-shadow:0 1px 2px #0002}
.record-header .object{font-size:12px;color:#555}.record-header h1{margin:4px 0 12px;font-size:20px}
dl{display:grid;grid-template-columns:200px 1fr;gap:6px 12px}dt{color:#555}dd{margin:0}
</style></head><body>
<div class="global"><span class="app">Sales</span><nav aria-label="Sample records">${nav}</nav>
<div class="crm-actions" role="toolbar" aria-label="CRM actions"><button type="button">Follow</button><button type="button">Edit</button><button type="button">New Case</button><button type="button">Log a Call</button></div></div>
<main id="record" data-testid="record-page"></main>
<script type="module">${SCRIPT}</script></body></html>`;
  return { status: 200, headers: { 'content-type': 'text/html; charset=utf-8' }, body };
}

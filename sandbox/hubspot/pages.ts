// HubSpot record pages (app.hubspot.com/contacts/{portal}/record/{typeId}/{id} and legacy paths) as a
// small single-page app: links navigate with history.pushState and fetch record JSON from a same-origin
// sandbox endpoint (the page holds no token), so content scripts see real SPA navigation.
import type { SandboxResponse } from '../types';
import { HUBSPOT_FIXTURES } from './seed';
import type { PortalStore, StoredRecord } from './store';
import type { ObjectTypeName } from './model';

const TYPE_BY_ID: Record<string, { type: ObjectTypeName; legacy: string; label: string }> = {
  '0-1': { type: 'contacts', legacy: 'contact', label: 'Contact' },
  '0-2': { type: 'companies', legacy: 'company', label: 'Company' },
  '0-3': { type: 'deals', legacy: 'deal', label: 'Deal' },
  '0-5': { type: 'tickets', legacy: 'ticket', label: 'Ticket' },
};
const TYPE_ID_BY_LEGACY: Record<string, string> = { contact: '0-1', company: '0-2', deal: '0-3', ticket: '0-5' };
const TYPE_ID_BY_NAME: Partial<Record<ObjectTypeName, string>> = { contacts: '0-1', companies: '0-2', deals: '0-3', tickets: '0-5' };

const PAGE_PATH = /^\/contacts\/(\d+)\/record\/(0-[1235])\/(\d+)\/?$/;
const LEGACY_PAGE_PATH = /^\/contacts\/(\d+)\/(contact|company|deal|ticket)\/(\d+)\/?$/;
const DATA_PATH = /^\/__sandbox\/page-data\/hubspot\/(\d+)\/(0-[1235])\/(\d+)$/;

export interface PageData {
  portalId: string;
  objectTypeId: string;
  id: string;
  found: boolean;
  kind: string;
  title: string;
  subtitle: string;
  fields: [string, string][];
  associated: { group: string; items: { label: string; href: string }[] }[];
}

const ASSOCIATED_SHOWN = 25;

function recordTitle(type: ObjectTypeName, r: StoredRecord): string {
  const p = r.properties;
  if (type === 'contacts') return [p.firstname, p.lastname].filter(Boolean).join(' ') || p.email || `Contact ${r.id}`;
  if (type === 'companies') return p.name ?? `Company ${r.id}`;
  if (type === 'deals') return p.dealname ?? `Deal ${r.id}`;
  return p.subject ?? `Ticket ${r.id}`;
}

export function recordHref(portalId: string, type: ObjectTypeName, id: string): string {
  return `/contacts/${portalId}/record/${TYPE_ID_BY_NAME[type]}/${id}`;
}

export function pageData(store: PortalStore, objectTypeId: string, id: string): PageData {
  const portalId = store.info.portalId;
  const meta = TYPE_BY_ID[objectTypeId]!;
  const record = store.get(meta.type, id);
  const base = { portalId, objectTypeId, id, kind: meta.label };
  if (!record) return { ...base, found: false, title: `${meta.label} not found`, subtitle: '', fields: [], associated: [] };
  const p = record.properties;
  const fields: [string, string][] = meta.type === 'contacts'
    ? [['Email', p.email ?? ''], ['Job title', p.jobtitle ?? ''], ['Phone', p.phone ?? '']]
    : meta.type === 'companies'
      ? [['Domain', p.domain ?? ''], ['Industry', p.industry ?? ''], ['City', p.city ?? '']]
      : meta.type === 'deals'
        ? [['Amount', p.amount ?? ''], ['Stage', p.dealstage ?? ''], ['Close date', p.closedate ?? '']]
        : [['Status', p.hs_pipeline_stage ?? ''], ['Priority', p.hs_ticket_priority ?? '']];
  const groups: [ObjectTypeName, string][] = [['companies', 'Companies'], ['contacts', 'Contacts'], ['deals', 'Deals'], ['tickets', 'Tickets']];
  const associated = groups
    .filter(([type]) => type !== meta.type)
    .map(([type, group]) => {
      const ids = store.associatedIds(meta.type, id, type);
      return {
        group: ids.length > ASSOCIATED_SHOWN ? `${group} (${ids.length})` : group,
        items: ids.slice(0, ASSOCIATED_SHOWN).map((otherId) => ({
          label: recordTitle(type, store.get(type, otherId)!),
          href: recordHref(portalId, type, otherId),
        })),
      };
    })
    .filter((g) => g.items.length > 0);
  const subtitle = meta.type === 'contacts' ? (p.email ?? '') : meta.type === 'companies' ? (p.domain ?? '') : '';
  return { ...base, found: true, title: recordTitle(meta.type, record), subtitle, fields, associated };
}

/** Sample records listed on every page, so tests can navigate between them. */
function sampleLinks(portalId: string): { label: string; href: string }[] {
  const F = HUBSPOT_FIXTURES;
  if (portalId !== F.portals.main) {
    return [
      { label: 'EU company', href: recordHref(portalId, 'companies', F.euCompanyId) },
      { label: 'EU contact', href: recordHref(portalId, 'contacts', F.euContactId) },
    ];
  }
  return [
    { label: 'Sample contact', href: recordHref(portalId, 'contacts', F.sampleContactId) },
    { label: 'Contact without company', href: recordHref(portalId, 'contacts', F.contactWithoutCompanyId) },
    { label: 'Contact with bad scores', href: recordHref(portalId, 'contacts', F.badScoresContactId) },
    { label: 'Contact with hard comments', href: recordHref(portalId, 'contacts', F.hardCommentsContactId) },
    { label: 'Acme Labs', href: recordHref(portalId, 'companies', F.companyId) },
    { label: 'Northwind Global', href: recordHref(portalId, 'companies', F.bigCompanyId) },
    { label: 'Open deal', href: recordHref(portalId, 'deals', F.dealId) },
    { label: 'Open ticket', href: recordHref(portalId, 'tickets', F.ticketId) },
    { label: 'Legacy contact URL', href: `/contacts/${portalId}/contact/${F.sampleContactId}` },
  ];
}

/** JSON inside a <script> element: `<` escaped so no text can close the element. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

const STYLE = `
body{margin:0;font:14px/1.4 system-ui,sans-serif;color:#33475b;background:#f5f8fa}
header.nav{background:#2d3e50;color:#fff;padding:10px 16px;font-weight:600}
#crm-actions{position:fixed;top:44px;right:16px;display:flex;gap:8px;z-index:10}
#crm-actions button{background:#ff7a59;color:#fff;border:0;border-radius:3px;padding:6px 12px;font-weight:600}
main{display:grid;grid-template-columns:320px 1fr 280px;gap:16px;padding:96px 16px 16px}
section{background:#fff;border:1px solid #cbd6e2;border-radius:4px;padding:12px}
h1{font-size:20px;margin:0 0 4px}dl{display:grid;grid-template-columns:100px 1fr;gap:4px}dt{color:#7c98b6}
a{color:#0091ae}ul{padding-left:18px}
`;

const SCRIPT = `
(function(){
  var root=document.getElementById('record');
  function el(tag,text,attrs){var e=document.createElement(tag);if(text!=null)e.textContent=text;if(attrs)for(var k in attrs)e.setAttribute(k,attrs[k]);return e;}
  function render(d){
    root.replaceChildren();
    var left=el('section',null,{'data-testid':'record-summary'});
    left.append(el('div',d.kind,{class:'kind'}),el('h1',d.title),el('div',d.subtitle,{class:'subtitle'}));
    var dl=el('dl');d.fields.forEach(function(f){dl.append(el('dt',f[0]),el('dd',f[1]));});left.append(dl);
    var mid=el('section',null,{'data-testid':'activity'});mid.append(el('h2','Activity'),el('p','No recent activity.'));
    var right=el('section',null,{'data-testid':'associations'});
    d.associated.forEach(function(g){right.append(el('h3',g.group));var ul=el('ul');g.items.forEach(function(i){var li=el('li');li.append(el('a',i.label,{href:i.href,'data-spa':''}));ul.append(li);});right.append(ul);});
    root.append(left,mid,right);
    document.title=d.title+' | HubSpot';
  }
  function parse(path){
    var m=/^\\/contacts\\/(\\d+)\\/record\\/(0-[1235])\\/(\\d+)/.exec(path);if(m)return m.slice(1);
    var l=/^\\/contacts\\/(\\d+)\\/(contact|company|deal|ticket)\\/(\\d+)/.exec(path);
    if(l)return [l[1],{contact:'0-1',company:'0-2',deal:'0-3',ticket:'0-5'}[l[2]],l[3]];
    return null;
  }
  function load(path){
    var p=parse(path);if(!p)return;
    fetch('/__sandbox/page-data/hubspot/'+p[0]+'/'+p[1]+'/'+p[2]).then(function(r){return r.json();}).then(render);
  }
  document.addEventListener('click',function(e){
    var a=e.target instanceof Element?e.target.closest('a[data-spa]'):null;
    if(!a||e.defaultPrevented||e.button!==0||e.metaKey||e.ctrlKey||e.shiftKey)return;
    e.preventDefault();history.pushState({},'',a.getAttribute('href'));load(location.pathname);
  });
  window.addEventListener('popstate',function(){load(location.pathname);});
  render(JSON.parse(document.getElementById('initial-data').textContent));
})();
`;

function html(data: PageData, links: { label: string; href: string }[]): string {
  const nav = links.map((l) => `<li><a data-spa href="${l.href}">${l.label}</a></li>`).join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>HubSpot</title><style>${STYLE}</style></head>
<body>
<header class="nav">HubSpot sandbox · portal ${data.portalId}</header>
<div id="crm-actions" role="toolbar" aria-label="CRM actions"><button type="button">Actions</button><button type="button">Create ticket</button><button type="button">Follow</button></div>
<nav aria-label="Sample records" style="padding:8px 16px"><ul id="sample-records" style="display:flex;gap:12px;list-style:none;margin:0;padding:0;flex-wrap:wrap;max-width:70%">${nav}</ul></nav>
<main id="record"></main>
<script type="application/json" id="initial-data">${scriptJson(data)}</script>
<script>${SCRIPT}</script>
</body></html>`;
}

export function handlePage(stores: ReadonlyMap<string, PortalStore>, method: string, pathname: string): SandboxResponse | null {
  if (method !== 'GET') return null;
  const data = DATA_PATH.exec(pathname);
  if (data) {
    const store = stores.get(data[1]!);
    if (!store) return { status: 404, body: { message: 'Unknown portal' } };
    return { status: 200, headers: { 'cache-control': 'no-store' }, body: pageData(store, data[2]!, data[3]!) };
  }
  const modern = PAGE_PATH.exec(pathname);
  const legacy = LEGACY_PAGE_PATH.exec(pathname);
  const match = modern ? [modern[1]!, modern[2]!, modern[3]!] : legacy ? [legacy[1]!, TYPE_ID_BY_LEGACY[legacy[2]!]!, legacy[3]!] : null;
  if (!match) return null;
  const [portalId, typeId, id] = match as [string, string, string];
  const store = stores.get(portalId);
  const headers = { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' };
  if (!store) return { status: 404, headers, body: '<!doctype html><title>HubSpot</title><p>This portal does not exist.</p>' };
  return { status: 200, headers, body: html(pageData(store, typeId, id), sampleLinks(portalId)) };
}

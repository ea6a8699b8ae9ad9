import { StrictMode } from 'react';
import { browser } from 'wxt/browser';
import { createRoot } from 'react-dom/client';
import { sendRequest } from '../../core/send';
import { loadSettingsLayers } from '../../core/settings-store';
import { isCrmPageUrl } from '../../integrations/pages';
import { InsightsApp } from '../../components/insights/InsightsApp';
import type { InsightsHost } from '../../components/insights/host';
import './insights.css';

async function value<T>(reply: Promise<{ ok: true; value: T } | { ok: false; error: { message: string } }>): Promise<T> {
  const r = await reply;
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}

const host: InsightsHost = {
  load: (query, fresh) => value(sendRequest({ type: 'insights.load', query, fresh })),
  owners: (crm) => value(sendRequest({ type: 'worklist.owners', crm })),
  language: async () => (await loadSettingsLayers()).settings.ui.language,
  browserLanguages: navigator.languages,
  openRecord(url) {
    // Only CRM record pages: the link was built by the connector, and is checked again here.
    if (isCrmPageUrl(url)) void browser.tabs.create({ url });
  },
  download(fileName, text) {
    const href = URL.createObjectURL(new Blob([text], { type: 'text/csv;charset=utf-8' }));
    const a = Object.assign(document.createElement('a'), { href, download: fileName });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(href), 10_000);
  },
  print: () => window.print(),
  optionsUrl: browser.runtime.getURL('/options.html'),
  now: () => Date.now(),
};

const root = document.getElementById('root');
if (root) {
  createRoot(root).render(
    <StrictMode>
      <InsightsApp host={host} />
    </StrictMode>,
  );
}

import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { PanelApp } from '../../components/panel/PanelApp';
import { loadWorklistView } from '../../components/panel/worklist-view';
import { browserHost } from './browser-host';
import { browserWorklistHost } from './worklist-host';
import './panel.css';

const root = document.getElementById('root');
if (root) {
  const host = browserHost();
  const worklistHost = browserWorklistHost({ log: host.logOutcome, retry: host.retryOutcome, withdraw: host.withdrawOutcome, openFollowUp: host.openFollowUp, loadLoopHistory: host.loadLoopHistory });
  const render = () =>
    createRoot(root).render(
      <StrictMode>
        <PanelApp host={host} worklistHost={worklistHost} />
      </StrictMode>,
    );
  // Outside a CRM page (the side panel, the sidebar, a tab) the list is likely what shows first. Its code was fetched
  // beside this script (public/panel-start.js), so the first render waits for it, a few milliseconds, and draws the
  // list with the saved copy and the settings the page already holds, instead of a skeleton redrawn three times.
  if (window.top === window) void loadWorklistView().then(render, render);
  else render();
}

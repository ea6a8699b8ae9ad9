import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { PanelApp } from '../../components/panel/PanelApp';
import { loadWorklistView } from '../../components/panel/worklist-view';
import { browserHost } from './browser-host';
import { browserWorklistHost } from './worklist-host';
import './panel.css';

const root = document.getElementById('root');
if (root) {
  // Outside a CRM page (the side panel, the sidebar, a tab) the list is likely what shows first: its code loads alongside.
  if (window.top === window) void loadWorklistView();
  const host = browserHost();
  const worklistHost = browserWorklistHost({ log: host.logOutcome, retry: host.retryOutcome, withdraw: host.withdrawOutcome, openFollowUp: host.openFollowUp, loadLoopHistory: host.loadLoopHistory });
  createRoot(root).render(
    <StrictMode>
      <PanelApp host={host} worklistHost={worklistHost} />
    </StrictMode>,
  );
}

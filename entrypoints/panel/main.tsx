import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { db } from '../../core/db';
import { PanelApp } from '../../components/panel/PanelApp';
import { browserHost } from './browser-host';
import './panel.css';

const root = document.getElementById('root');
if (root) {
  createRoot(root).render(
    <StrictMode>
      <PanelApp host={browserHost()} db={db} />
    </StrictMode>,
  );
}

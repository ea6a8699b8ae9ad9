import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { PanelApp } from '../../components/panel/PanelApp';
import { browserHost } from './browser-host';
import './panel.css';

const root = document.getElementById('root');
if (root) {
  createRoot(root).render(
    <StrictMode>
      <PanelApp host={browserHost()} />
    </StrictMode>,
  );
}

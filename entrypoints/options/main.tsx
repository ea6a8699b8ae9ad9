import { StrictMode } from 'react';
import { browser } from 'wxt/browser';
import { createRoot } from 'react-dom/client';
import { OptionsApp } from '../../components/options/OptionsApp';
import './options.css';

const root = document.getElementById('root');
if (root) {
  createRoot(root).render(
    <StrictMode>
      <OptionsApp browserLanguages={navigator.languages} salesforceCallbackUrl={browser.identity.getRedirectURL('salesforce')} />
    </StrictMode>,
  );
}

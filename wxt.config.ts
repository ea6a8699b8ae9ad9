import { defineConfig } from 'wxt';
import { nodePolyfills } from 'vite-plugin-node-polyfills';
import { fileURLToPath } from 'node:url';
import { CRM_HOST_PERMISSIONS, HUBSPOT_APP_MATCHES, SALESFORCE_APP_MATCHES } from './integrations/hosts';

// A fixed public key gives the unpacked build a stable id, so e2e tests, managed policy and the
// OAuth redirect URL (https://<id>.chromiumapp.org/) stay the same across machines.
const MANIFEST_KEY =
  'MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA26EEvKNoAR3u6nA6rPuziL6TG/cmbnMs7VqFwtLqJQmlrJ6247pRa5bK+JKpUr57L7GU5ObnP98mujBRJHOY9ouTaCd1d7UUKX4T4Ym9AQF12mj9RejeoIdRc23udZz8QxKlrFmlowMMPDHjYhbv/Folj9N4frSL04Hhkm3OV/OYc66jI+hloW9E/4zmRUr0kFPk2Xj6hJwIFSwgE19lhSMPBxbfbu+n8kA+INA7LzHQHrlPPW92UoePgFPTCC3A9/uWqMBaaOB7wnYHJt6BeA/OErJ91RmBnVQBIMAeCWkictU7g8y4Z3xAHDWwmHiFrzW38aXYKyHLCSrVsdb2IwIDAQAB';

// public/icon/<size>.png (drawn by scripts/icons.ts) are the manifest's icons; the toolbar button names its own too.
const TOOLBAR_ICONS = { 16: 'icon/16.png', 32: 'icon/32.png' };

export default defineConfig({
  modules: ['@wxt-dev/module-react'],
  imports: false,
  manifest: ({ browser }) => ({
    name: 'Loyalty Lens',
    description: 'NPS, CSAT and effort scores beside your HubSpot and Salesforce records; close the loop without leaving them.',
    ...(browser === 'chrome' ? { key: MANIFEST_KEY, minimum_chrome_version: '116' } : {}),
    action: { default_title: 'Loyalty Lens', default_icon: TOOLBAR_ICONS },
    permissions: ['storage', 'alarms', 'identity', ...(browser === 'chrome' ? ['sidePanel'] : [])],
    // No optional host permissions: nothing beyond the CRMs' own hosts is ever one prompt away. A CRM host the user
    // withheld (a My Domain, say) can still be asked for again from the options page or the panel.
    host_permissions: CRM_HOST_PERMISSIONS,
    web_accessible_resources: [
      {
        resources: ['panel.html'],
        matches: [...HUBSPOT_APP_MATCHES, ...SALESFORCE_APP_MATCHES],
        ...(browser === 'chrome' ? { use_dynamic_url: true } : {}),
      },
    ],
    commands: {
      'toggle-panel': { suggested_key: { default: 'Alt+Shift+L' }, description: 'Show or hide the Loyalty Lens panel' },
      'toggle-call-mode': { suggested_key: { default: 'Alt+Shift+K' }, description: 'Switch the panel to call mode and back' },
    },
    storage: { managed_schema: 'managed-schema.json' },
    ...(browser === 'firefox'
      ? {
          browser_specific_settings: {
            gecko: {
              id: 'loyalty-lens@loyaltylens.dev',
              strict_min_version: '128.0',
              data_collection_permissions: { required: ['none'] },
            },
          },
          // Firefox's sidebar: the same panel page, kept open across page loads like Chrome's side panel.
          sidebar_action: { default_panel: 'panel.html', default_title: 'Loyalty Lens', open_at_install: false },
        }
      : { side_panel: { default_path: 'panel.html' } }),
  }),
  // npm run zip: the store packages, and for Firefox's reviewers the sources they build it from
  // (README: npm ci && npm run build:firefox); test output and pictures are no source, nor are the CRM plugins.
  zip: {
    excludeSources: ['test/e2e/screenshots/**', 'test/e2e/artifacts/**', '.sandbox/**', 'demo.png', '**/*.log', 'docs/store/*.png', 'crm-plugins/**'],
  },
  hooks: {
    // Only the service worker runs the CRM clients, which need Node's globals and modules; React names `process` too,
    // and shimming it there would put a Node polyfill into every page's first script for nothing.
    'vite:build:extendConfig': (entrypoints, config) => {
      if (!entrypoints.some((entry) => entry.type === 'background')) return;
      config.plugins = [
        ...(config.plugins ?? []),
        nodePolyfills({
          include: ['events', 'stream', 'buffer', 'process', 'util', 'timers', 'querystring', 'string_decoder'],
          globals: { Buffer: true, process: true, global: true },
        }),
      ];
    },
  },
  vite: () => ({
    resolve: {
      alias: {
        // The npm `url` polyfill has no URL export; the HubSpot client calls `new URL` from it.
        url: fileURLToPath(new URL('./integrations/url-shim.ts', import.meta.url)),
      },
    },
  }),
});

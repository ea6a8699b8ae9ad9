import { defineConfig } from 'wxt';
import { nodePolyfills } from 'vite-plugin-node-polyfills';
import { fileURLToPath } from 'node:url';
import type { Plugin } from 'vite';
import { CRM_HOST_PERMISSIONS, HUBSPOT_APP_MATCHES, SALESFORCE_APP_MATCHES } from './integrations/hosts';

// A fixed public key gives the unpacked build a stable id, so e2e tests, managed policy and the
// OAuth redirect URL (https://<id>.chromiumapp.org/) stay the same across machines.
const MANIFEST_KEY =
  'MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA26EEvKNoAR3u6nA6rPuziL6TG/cmbnMs7VqFwtLqJQmlrJ6247pRa5bK+JKpUr57L7GU5ObnP98mujBRJHOY9ouTaCd1d7UUKX4T4Ym9AQF12mj9RejeoIdRc23udZz8QxKlrFmlowMMPDHjYhbv/Folj9N4frSL04Hhkm3OV/OYc66jI+hloW9E/4zmRUr0kFPk2Xj6hJwIFSwgE19lhSMPBxbfbu+n8kA+INA7LzHQHrlPPW92UoePgFPTCC3A9/uWqMBaaOB7wnYHJt6BeA/OErJ91RmBnVQBIMAeCWkictU7g8y4Z3xAHDWwmHiFrzW38aXYKyHLCSrVsdb2IwIDAQAB';

// public/icon/<size>.png (drawn by scripts/icons.ts) are the manifest's icons; the toolbar button names its own too.
const TOOLBAR_ICONS = { 16: 'icon/16.png', 32: 'icon/32.png' };

/** Where panel.html names the files of "My open loops" for public/panel-start.js. */
const WORKLIST_FILES_META = 'loyalty-lens-worklist';

/**
 * Outside a CRM page the panel opens on "My open loops", whose code loads on demand (components/panel/worklist-view.ts):
 * asked for only once the panel's own code has run, it would load a step behind it. So panel.html names the list's
 * files (its chunks the panel does not load anyway, and their CSS), and public/panel-start.js fetches them beside the
 * panel's code in the side panel, the sidebar or a tab, and never in a CRM page's frame, which opens on the record.
 */
function worklistFiles(): Plugin {
  return {
    name: 'loyalty-lens:worklist-files',
    apply: 'build',
    transformIndexHtml: {
      order: 'post',
      handler(_html, { filename, bundle, chunk }) {
        if (!bundle || !chunk || !filename.endsWith('/entrypoints/panel/index.html')) return;
        const panelLoads = new Set<string>();
        const walk = (file: string) => {
          const entry = bundle[file];
          if (panelLoads.has(file) || entry?.type !== 'chunk') return;
          panelLoads.add(file);
          entry.imports.forEach(walk);
        };
        walk(chunk.fileName);
        const list = Object.values(bundle).find((entry) => entry.type === 'chunk' && entry.facadeModuleId?.endsWith('/components/worklist/WorklistSurface.tsx'));
        if (list?.type !== 'chunk') throw new Error('No chunk for components/worklist/WorklistSurface.tsx in the panel build');
        const files = new Set<string>();
        const add = (file: string) => {
          const entry = bundle[file];
          if (panelLoads.has(file) || files.has(file) || entry?.type !== 'chunk') return;
          files.add(file);
          entry.imports.forEach(add);
          entry.viteMetadata?.importedCss.forEach((css) => files.add(css));
        };
        add(list.fileName);
        return [{ tag: 'meta', attrs: { name: WORKLIST_FILES_META, content: [...files].map((file) => `/${file}`).join(' ') }, injectTo: 'head-prepend' }];
      },
    },
  };
}

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
    plugins: [worklistFiles()],
    resolve: {
      alias: {
        // The npm `url` polyfill has no URL export; the HubSpot client calls `new URL` from it.
        url: fileURLToPath(new URL('./integrations/url-shim.ts', import.meta.url)),
      },
    },
  }),
});

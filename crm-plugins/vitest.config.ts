import { defineConfig } from 'vitest/config';
import { fileURLToPath } from 'node:url';

// The CRM plugins' tests (npm test's crm-plugins suite runs them after crm-plugins/build.ts). The HubSpot card is
// React 18 code rendered by @hubspot/ui-extensions' own renderer, so `react` is the React 18 that package brings.
const REACT_18 = fileURLToPath(new URL('../node_modules/@hubspot/ui-extensions/node_modules/react', import.meta.url));

export default defineConfig({
  root: fileURLToPath(new URL('..', import.meta.url)),
  resolve: {
    alias: [
      { find: /^react$/, replacement: REACT_18 },
      { find: /^react\/(.*)$/, replacement: `${REACT_18}/$1` },
    ],
  },
  test: {
    include: ['crm-plugins/**/*.test.{ts,tsx}'],
    exclude: ['crm-plugins/salesforce-lwc/force-app/**', 'node_modules/**'],
    testTimeout: 20_000,
    hookTimeout: 60_000,
  },
});

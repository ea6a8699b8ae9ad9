// Types of lib/loyalty-core.js, which `npm run build:crm-plugins` bundles from crm-plugins/shared/card-core.ts.
export * from '../../../../../shared/card-core';

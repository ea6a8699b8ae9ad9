import { build, type Plugin } from 'esbuild';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

// npm run build:crm-plugins: bundles core/ (and, for the HubSpot app function, the extension's HubSpot connector)
// into the files each CRM platform uploads, so every card computes with the same code as the extension. The outputs
// are build products (.gitignore): run this before `hs project upload` or `sf project deploy start`.

const HERE = dirname(fileURLToPath(import.meta.url));

export const OUTPUTS = {
  hubspotCardCore: join(HERE, 'hubspot-card/src/app/cards/lib/loyalty-core.js'),
  hubspotFunction: join(HERE, 'hubspot-card/src/app/functions/loyalty.js'),
  lwcCore: join(HERE, 'salesforce-lwc/force-app/main/default/lwc/loyaltyCore/loyaltyCore.js'),
} as const;

/**
 * Our own modules define only functions, constants and schemas, so a module whose exports a card does not use is left
 * out whole: the Lightning component takes the Salesforce parsers and Task writer without jsforce and the client.
 */
const ownModulesAreSideEffectFree: Plugin = {
  name: 'own-modules-side-effect-free',
  setup(b) {
    // Dexie is imported by core/store.ts for its storage functions, which no card uses.
    b.onResolve({ filter: /^(\.\.?\/|dexie$)/ }, async (args) => {
      if (args.pluginData === 'resolving') return undefined;
      if (args.path === 'dexie') {
        const result = await b.resolve(args.path, { kind: args.kind, resolveDir: args.resolveDir, importer: args.importer, pluginData: 'resolving' });
        return { ...result, sideEffects: false };
      }
      const result = await b.resolve(args.path, { kind: args.kind, resolveDir: args.resolveDir, importer: args.importer, pluginData: 'resolving' });
      if (result.errors.length > 0 || result.path.includes('/node_modules/')) return result;
      return { ...result, sideEffects: false };
    });
  },
};

/**
 * zod re-exports every language's error messages as `z.locales`; the component uses none of them (its words are the
 * extension's catalogs, and zod's English default is imported on its own), so they stay out of the component.
 */
const withoutZodLocales: Plugin = {
  name: 'without-zod-locales',
  setup(b) {
    b.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) =>
      args.importer.includes('/node_modules/zod/') ? { path: 'zod-locales', namespace: 'without-zod-locales' } : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'without-zod-locales' }, () => ({ contents: 'export {};', loader: 'js' }));
  },
};

const BANNER = '// Built by crm-plugins/build.ts from core/ and crm-plugins/shared/; do not edit.';

export async function buildCrmPlugins(): Promise<void> {
  await Promise.all([
    // The card runs in HubSpot's sandboxed worker; HubSpot's own build bundles it with the card.
    build({
      entryPoints: [join(HERE, 'shared/card-core.ts')],
      outfile: OUTPUTS.hubspotCardCore,
      bundle: true,
      plugins: [ownModulesAreSideEffectFree],
      format: 'esm',
      platform: 'neutral',
      target: 'es2020',
      banner: { js: BANNER },
      logLevel: 'warning',
    }),
    // HubSpot runs app functions on Node 20 with `exports.main`.
    build({
      entryPoints: [join(HERE, 'hubspot-card/function/loyalty.ts')],
      outfile: OUTPUTS.hubspotFunction,
      bundle: true,
      format: 'cjs',
      platform: 'node',
      target: 'node20',
      banner: { js: BANNER },
      logLevel: 'warning',
    }),
    // A Lightning web component module: plain ES modules, no Node or browser extension APIs.
    build({
      entryPoints: [join(HERE, 'shared/lwc-core.ts')],
      outfile: OUTPUTS.lwcCore,
      bundle: true,
      plugins: [ownModulesAreSideEffectFree, withoutZodLocales],
      // Only integrations/salesforce/client.ts imports it, and nothing the component uses is in there: the check
      // in crm-plugins/test/bundles.test.ts proves the bundle names no jsforce.
      external: ['jsforce', 'jsforce/*'],
      minify: true,
      format: 'esm',
      platform: 'neutral',
      target: 'es2020',
      banner: { js: BANNER },
      logLevel: 'warning',
    }),
  ]);
}

if (resolve(process.argv[1] ?? '') === fileURLToPath(import.meta.url)) {
  await buildCrmPlugins();
  console.log('crm-plugins: built', Object.values(OUTPUTS).length, 'bundles');
}

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { OUTPUTS } from '../build';

// What the build hands each platform: the bundles are core/'s code (no copy, no stale file), hold nothing a platform
// cannot run, and the app function answers as HubSpot calls it.

const require = createRequire(import.meta.url);
const REPO = fileURLToPath(new URL('../..', import.meta.url));

function sources(folder: string): string[] {
  return readdirSync(join(REPO, folder), { recursive: true, encoding: 'utf8' })
    .filter((f) => /\.(ts|tsx)$/.test(f))
    .map((f) => join(REPO, folder, f));
}

describe('the bundles crm-plugins/build.ts writes', () => {
  it('give the Lightning component the Salesforce parsers and Task writer without jsforce or Node modules', () => {
    const source = readFileSync(OUTPUTS.lwcCore, 'utf8');
    expect(source).not.toMatch(/jsforce|require\(|from\s*["']node:/);
    expect(source.length).toBeLessThan(400_000);
  });

  it('export what the Lightning component imports from c/loyaltyCore', async () => {
    const lwcCore = (await import(OUTPUTS.lwcCore)) as Record<string, unknown>;
    const component = readFileSync(OUTPUTS.lwcCore.replace('loyaltyCore/loyaltyCore.js', 'loyaltyLensCard/loyaltyLensCard.js'), 'utf8');
    const imported = /import \{([^}]+)\} from 'c\/loyaltyCore'/.exec(component)![1]!.split(',').map((name) => name.trim()).filter(Boolean);
    expect(imported.filter((name) => !(name in lwcCore))).toEqual([]);
  });

  it('give the HubSpot card the figures and words with neither zod nor browser APIs', async () => {
    const source = readFileSync(OUTPUTS.hubspotCardCore, 'utf8');
    expect(source).not.toMatch(/zod|chrome\.|indexedDB/);
    const cardCore = (await import(OUTPUTS.hubspotCardCore)) as Record<string, unknown>;
    expect(Object.keys(cardCore).sort()).toEqual(['OUTCOME_RESULTS', 'cardFigures', 'cardI18n', 'cardWords', 'figureTexts', 'localeOf']);
  });

  it('make an app function HubSpot can run: exports.main answers a request without its token in words', async () => {
    const fn = require(OUTPUTS.hubspotFunction) as { main: (context: { parameters?: unknown }) => Promise<unknown> };
    const saved = process.env.PRIVATE_APP_ACCESS_TOKEN;
    delete process.env.PRIVATE_APP_ACCESS_TOKEN;
    try {
      expect(await fn.main({ parameters: { action: 'load', portalId: '40001', objectTypeId: '0-1', objectId: '111' } })).toEqual({
        ok: false,
        error: { kind: 'auth', message: 'The app has no access token: install the app in this portal again.', mayHaveCommitted: false },
      });
      const refused = (await fn.main({ parameters: { action: 'load', portalId: 'x' } })) as { ok: boolean; error: { kind: string } };
      expect(refused.error.kind).toBe('validation');
    } finally {
      if (saved !== undefined) process.env.PRIVATE_APP_ACCESS_TOKEN = saved;
    }
  });

  it('leave the extension alone: nothing the extension builds from imports crm-plugins/', () => {
    const importers = ['entrypoints', 'components', 'content', 'core', 'integrations']
      .flatMap(sources)
      .filter((file) => /from ['"][./]*crm-plugins\//.test(readFileSync(file, 'utf8')));
    expect(importers).toEqual([]);
  });
});

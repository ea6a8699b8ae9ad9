import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Window } from 'happy-dom';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { HUBSPOT_SCOPES } from '../../components/options/Connections';
import { TASK_KEY_FIELD } from '../../integrations/salesforce/outcomes';
import { FUNCTION_NAME } from '../hubspot-card/src/app/cards/LoyaltyLens';

// The plugins' project files checked against what each platform documents: HubSpot's developer platform (hsproject
// .json, app, card and app-function *-hsmeta.json; developers.hubspot.com/docs/apps/developer-platform/…/reference)
// and Salesforce's Metadata API (sfdx-project.json, LightningComponentBundle, PermissionSet, CustomField). The
// schemas are strict: a field either platform does not document is an error here before it is one at upload.

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const HUBSPOT = join(ROOT, 'hubspot-card');
const SRC = join(HUBSPOT, 'src');
const SFDX = join(ROOT, 'salesforce-lwc');
const DEFAULT = join(SFDX, 'force-app/main/default');

const json = (path: string): unknown => JSON.parse(readFileSync(path, 'utf8'));

// ── HubSpot (platform version 2026.03) ───────────────────────────────────────────────────────────────

const uid = z.string().min(1).max(64);
/** A path inside the project's src/ folder, from its root ("/app/…"). */
const srcPath = z.string().regex(/^\/app\//);

const hsProjectSchema = z.strictObject({
  name: z.string().min(1),
  srcDir: z.string().min(1),
  platformVersion: z.enum(['2025.2', '2026.03']),
});

const appSchema = z.strictObject({
  uid,
  type: z.literal('app'),
  config: z.strictObject({
    name: z.string().min(1).max(200),
    description: z.string().min(1),
    distribution: z.enum(['private', 'marketplace']),
    auth: z.strictObject({
      type: z.enum(['static', 'oauth']),
      redirectUrls: z.array(z.url()).optional(),
      requiredScopes: z.array(z.string().regex(/^[a-z_.-]+$/)).min(1),
      optionalScopes: z.array(z.string().regex(/^[a-z_.-]+$/)).optional(),
      conditionallyRequiredScopes: z.array(z.string().regex(/^[a-z_.-]+$/)).optional(),
    }),
    permittedUrls: z.strictObject({ fetch: z.array(z.url()), iframe: z.array(z.url()), img: z.array(z.url()) }),
    support: z
      .strictObject({ supportEmail: z.email().optional(), documentationUrl: z.url().optional(), supportUrl: z.url().optional(), supportPhone: z.string().optional() })
      .optional(),
  }),
});

const CARD_LOCATIONS = ['crm.record.tab', 'crm.record.sidebar', 'crm.preview', 'helpdesk.sidebar'] as const;
const cardSchema = z.strictObject({
  uid,
  type: z.literal('card'),
  config: z.strictObject({
    name: z.string().min(1),
    description: z.string().optional(),
    location: z.enum(CARD_LOCATIONS),
    entrypoint: srcPath,
    objectTypes: z.array(z.enum(['contacts', 'companies', 'deals', 'tickets', 'products', 'line_items', 'quotes', 'orders', 'carts', 'invoices'])).min(1),
  }),
});

const functionSchema = z.strictObject({
  uid,
  type: z.literal('app-function'),
  config: z.strictObject({
    entrypoint: srcPath,
    secretKeys: z.array(z.string().regex(/^[A-Z0-9_]+$/)),
    endpoint: z.strictObject({ path: z.string(), method: z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']) }).optional(),
  }),
});

function hsmetaFiles(folder: string): string[] {
  return readdirSync(join(SRC, 'app', folder)).filter((f) => f.endsWith('-hsmeta.json')).map((f) => join(SRC, 'app', folder, f));
}

describe('the HubSpot project files', () => {
  const project = hsProjectSchema.parse(json(join(HUBSPOT, 'hsproject.json')));
  const app = appSchema.parse(json(join(SRC, 'app/app-hsmeta.json')));

  it('name a current platform version and the src folder the app lives in', () => {
    expect(project.platformVersion).toBe('2026.03');
    expect(existsSync(join(HUBSPOT, project.srcDir, 'app/app-hsmeta.json'))).toBe(true);
  });

  it('make an app with static auth and private distribution, the only kind that may hold app functions', () => {
    expect(app.config.auth.type).toBe('static');
    expect(app.config.distribution).toBe('private');
  });

  it('ask for every scope the extension’s HubSpot connector reads and writes with, and no more', () => {
    expect(new Set(app.config.auth.requiredScopes)).toEqual(new Set(['oauth', ...HUBSPOT_SCOPES.filter((s) => !s.startsWith('crm.schemas.custom') && !s.startsWith('crm.objects.custom'))]));
    expect(app.config.auth.optionalScopes).toEqual(['crm.schemas.custom.read', 'crm.objects.custom.read']);
    // The card reaches HubSpot only through its app function: no outside URL is permitted.
    expect(app.config.permittedUrls).toEqual({ fetch: [], iframe: [], img: [] });
  });

  it('put one card on contact, company, deal and ticket records, with an entry point that exists and registers itself', () => {
    const cards = hsmetaFiles('cards').map((f) => cardSchema.parse(json(f)));
    expect(cards).toHaveLength(1);
    const [card] = cards;
    expect(card!.config.objectTypes).toEqual(['contacts', 'companies', 'deals', 'tickets']);
    const entry = join(SRC, card!.config.entrypoint);
    expect(readFileSync(entry, 'utf8')).toMatch(/hubspot\.extend</);
    const cardPackage = z.object({ dependencies: z.object({ '@hubspot/ui-extensions': z.string(), react: z.string() }) }).parse(json(join(SRC, 'app/cards/package.json')));
    const installed = z.object({ version: z.string() }).parse(json(join(ROOT, '../node_modules/@hubspot/ui-extensions/package.json')));
    expect(cardPackage.dependencies['@hubspot/ui-extensions']).toBe(installed.version);
    expect(cardPackage.dependencies.react).toMatch(/^18\./);
  });

  it('declare the app function the card calls, by its uid, with the entry point the build writes', () => {
    const functions = hsmetaFiles('functions').map((f) => functionSchema.parse(json(f)));
    expect(functions.map((f) => f.uid)).toEqual([FUNCTION_NAME]);
    expect(functions[0]!.config.entrypoint).toBe('/app/functions/loyalty.js');
    expect(existsSync(join(SRC, functions[0]!.config.entrypoint))).toBe(true);
  });
});

// ── Salesforce (Metadata API, SFDX source format) ────────────────────────────────────────────────────

const METADATA_NS = 'http://soap.sforce.com/2006/04/metadata';
const apiVersion = z.string().regex(/^\d{2}\.0$/);

const sfdxProjectSchema = z.strictObject({
  packageDirectories: z
    .array(
      z.strictObject({
        path: z.string().min(1),
        default: z.boolean().optional(),
        package: z.string().optional(),
        versionName: z.string().optional(),
        versionNumber: z.string().regex(/^\d+\.\d+\.\d+\.(\d+|NEXT)$/).optional(),
        versionDescription: z.string().optional(),
      }),
    )
    .min(1)
    .refine((dirs) => dirs.filter((d) => d.default).length === 1, 'exactly one default package directory'),
  name: z.string().optional(),
  namespace: z.string(),
  sfdcLoginUrl: z.url(),
  sourceApiVersion: apiVersion,
  packageAliases: z.record(z.string(), z.string()).optional(),
});

/** An XML element as data: its attributes, its text, and its child elements by name. */
interface XmlNode {
  name: string;
  attributes: Record<string, string>;
  text: string;
  children: XmlNode[];
}

function parseXml(path: string): XmlNode {
  const window = new Window();
  const document = new window.DOMParser().parseFromString(readFileSync(path, 'utf8'), 'application/xml');
  const toNode = (element: Element): XmlNode => ({
    name: element.localName,
    attributes: Object.fromEntries([...element.attributes].map((a) => [a.name, a.value])),
    text: [...element.childNodes].filter((n) => n.nodeType === 3).map((n) => n.textContent ?? '').join('').trim(),
    children: [...element.children].map(toNode),
  });
  return toNode(document.documentElement as unknown as Element);
}

const all = (node: XmlNode, name: string) => node.children.filter((c) => c.name === name);
const one = (node: XmlNode, name: string) => {
  const found = all(node, name);
  expect(found, `<${node.name}> has one <${name}>`).toHaveLength(1);
  return found[0]!;
};

/** Child element names a Metadata API type documents; anything else is refused. */
function onlyDocumented(node: XmlNode, documented: readonly string[]) {
  expect(node.children.map((c) => c.name).filter((n) => !documented.includes(n))).toEqual([]);
}

const BUNDLE_FIELDS = ['apiVersion', 'capabilities', 'description', 'isExplicitImport', 'isExposed', 'lwr', 'masterLabel', 'runtimeNamespace', 'targets', 'targetConfigs'];
const LWC_TARGETS = [
  'lightning__AppPage',
  'lightning__HomePage',
  'lightning__RecordPage',
  'lightning__RecordAction',
  'lightning__UtilityBar',
  'lightning__FlowScreen',
  'lightning__Tab',
  'lightning__Inbox',
  'lightningCommunity__Page',
  'lightningCommunity__Default',
] as const;

describe('the Salesforce project files', () => {
  const project = sfdxProjectSchema.parse(json(join(SFDX, 'sfdx-project.json')));

  it('make an SFDX project whose default package directory holds the source', () => {
    const dir = project.packageDirectories.find((d) => d.default)!;
    expect(existsSync(join(SFDX, dir.path, 'main/default/lwc/loyaltyLensCard'))).toBe(true);
  });

  it('expose the component on Contact, Account, Opportunity and Case record pages only', () => {
    const bundle = parseXml(join(DEFAULT, 'lwc/loyaltyLensCard/loyaltyLensCard.js-meta.xml'));
    expect(bundle.name).toBe('LightningComponentBundle');
    expect(bundle.attributes.xmlns).toBe(METADATA_NS);
    onlyDocumented(bundle, BUNDLE_FIELDS);
    expect(apiVersion.parse(one(bundle, 'apiVersion').text)).toBe(project.sourceApiVersion);
    expect(one(bundle, 'isExposed').text).toBe('true');
    const targets = all(one(bundle, 'targets'), 'target').map((t) => z.enum(LWC_TARGETS).parse(t.text));
    expect(targets).toEqual(['lightning__RecordPage']);
    const [config] = all(one(bundle, 'targetConfigs'), 'targetConfig');
    expect(config!.attributes.targets).toBe('lightning__RecordPage');
    onlyDocumented(config!, ['objects', 'property', 'supportedFormFactors']);
    expect(all(one(config!, 'objects'), 'object').map((o) => o.text)).toEqual(['Contact', 'Account', 'Opportunity', 'Case']);
    const factors = all(one(config!, 'supportedFormFactors'), 'supportedFormFactor').map((f) => z.enum(['Large', 'Small']).parse(f.attributes.type));
    expect(factors).toEqual(['Large', 'Small']);
  });

  it('keep the bundled core private to the component', () => {
    const bundle = parseXml(join(DEFAULT, 'lwc/loyaltyCore/loyaltyCore.js-meta.xml'));
    onlyDocumented(bundle, BUNDLE_FIELDS);
    expect(one(bundle, 'isExposed').text).toBe('false');
    expect(one(bundle, 'apiVersion').text).toBe(project.sourceApiVersion);
  });

  it('define the Task key field as a unique External ID, named as the extension’s connector names it', () => {
    const field = parseXml(join(DEFAULT, `objects/Activity/fields/${TASK_KEY_FIELD}.field-meta.xml`));
    expect(field.name).toBe('CustomField');
    expect(field.attributes.xmlns).toBe(METADATA_NS);
    onlyDocumented(field, ['fullName', 'description', 'externalId', 'label', 'length', 'required', 'type', 'unique', 'caseSensitive']);
    expect(one(field, 'fullName').text).toBe(TASK_KEY_FIELD);
    expect([one(field, 'type').text, one(field, 'externalId').text, one(field, 'unique').text]).toEqual(['Text', 'true', 'true']);
    expect(Number(one(field, 'length').text)).toBeLessThanOrEqual(255);
  });

  it('grant, in one permission set, the key field, the survey objects the card reads and Edit Tasks', () => {
    const set = parseXml(join(DEFAULT, 'permissionsets/Loyalty_Lens_Card_User.permissionset-meta.xml'));
    expect(set.name).toBe('PermissionSet');
    expect(set.attributes.xmlns).toBe(METADATA_NS);
    onlyDocumented(set, ['label', 'description', 'hasActivationRequired', 'license', 'fieldPermissions', 'objectPermissions', 'userPermissions']);
    const fields = all(set, 'fieldPermissions').map((f) => ({ field: one(f, 'field').text, editable: one(f, 'editable').text, readable: one(f, 'readable').text }));
    expect(fields).toEqual([{ field: `Task.${TASK_KEY_FIELD}`, editable: 'true', readable: 'true' }]);
    const objects = all(set, 'objectPermissions').map((o) => [one(o, 'object').text, one(o, 'allowRead').text, one(o, 'allowEdit').text]);
    expect(objects).toEqual([
      ['SurveyInvitation', 'true', 'false'],
      ['SurveyQuestionResponse', 'true', 'false'],
      ['SurveyResponse', 'true', 'false'],
    ]);
    expect(all(set, 'userPermissions').map((p) => [one(p, 'name').text, one(p, 'enabled').text])).toEqual([['EditTask', 'true']]);
  });
});

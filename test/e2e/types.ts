import type { BrowserContext, Page, Worker } from 'playwright-core';
import type { RunningSandbox } from '../../sandbox/server';
import type { HUBSPOT_FIXTURES } from '../../sandbox/hubspot/seed';
import type { SALESFORCE_FIXTURES } from '../../sandbox/salesforce/fixtures';

export type Sandbox = RunningSandbox;

/** What every e2e test receives. The browser (and its profile) is shared by the tests of one spec file. */
export interface E2E {
  context: BrowserContext;
  extensionId: string;
  serviceWorker: Worker;
  /** Chrome's side panel page once it is open (it is not one of the context's pages). */
  sidePanel(timeout?: number): Promise<Page>;
  sandbox: Sandbox;
  hubspot: typeof HUBSPOT_FIXTURES;
  salesforce: typeof SALESFORCE_FIXTURES;
  newPage(): Promise<Page>;
  /** Saves test/e2e/screenshots/<name>.png. */
  screenshot(page: Page, name: string, options?: { fullPage?: boolean }): Promise<string>;
  /** A line in test/e2e/artifacts/console.log, labelled with the current test. */
  log(text: string): void;
}

export type Test = (t: E2E) => Promise<void>;

/** A spec file: named async tests, plus optional beforeAll/afterAll hooks. */
export type Spec = Record<string, unknown> & {
  beforeAll?: Test;
  afterAll?: Test;
};

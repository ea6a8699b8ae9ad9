import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { SALESFORCE_FIXTURES as SF } from '../../sandbox/salesforce/index';
import { startSandbox } from '../../sandbox/server';
import type { LwcObject } from '../shared/lwc-core';
import { routeToSandbox, signInToSalesforce, SURFACE_RECORD_NAMES, SURFACE_RECORDS } from './sandbox';
import { contextAnswer, currencyAnswer, uiRecord } from './lwc-org';

// The Lightning component's tests: starts the sandbox org, signs in as an admin would, answers the component's wires
// from the org (.sandbox/records.json), then runs sfdx-lwc-jest, whose tests write through the org's API.
// Prints `lwc-jest: N passed, N failed` last.

const PROJECT = join(dirname(fileURLToPath(import.meta.url)), '../salesforce-lwc');
const DIR = join(PROJECT, '.sandbox');
const REPORT = join(DIR, 'jest.json');
const OBJECTS: Record<string, LwcObject> = { contact: 'Contact', account: 'Account', opportunity: 'Opportunity', case: 'Case' };

const jestReport = z.object({ numPassedTests: z.number(), numFailedTests: z.number(), numRuntimeErrorTestSuites: z.number() });

async function main(): Promise<number> {
  const sandbox = await startSandbox({ httpPort: 0, httpsPort: 0, latencyMs: 0 });
  const unroute = routeToSandbox(sandbox);
  try {
    const tokens = await signInToSalesforce();
    const records: Record<string, unknown> = {};
    for (const name of SURFACE_RECORD_NAMES.filter((n) => SURFACE_RECORDS[n].crm === 'salesforce')) {
      const ref = SURFACE_RECORDS[name];
      const objectApiName = OBJECTS[ref.objectType]!;
      const record = (await uiRecord(tokens.accessToken, objectApiName, ref.id)) as { fields: Record<string, { value: string | null }> };
      // The ids the component derives from getRecord (loyaltyLensCard.js wiredRecord).
      const accountId = objectApiName === 'Account' ? ref.id : (record.fields.AccountId?.value ?? null);
      const contactId = objectApiName === 'Contact' ? ref.id : objectApiName === 'Case' ? (record.fields.ContactId?.value ?? null) : null;
      const variables = { accountId, contactId, opportunityId: objectApiName === 'Opportunity' ? ref.id : null };
      const currencies = accountId ? await currencyAnswer(tokens.accessToken, accountId) : null;
      records[name] = { objectApiName, recordId: ref.id, record, variables, context: await contextAnswer(tokens.accessToken, variables), currencies };
    }
    mkdirSync(DIR, { recursive: true });
    writeFileSync(join(DIR, 'records.json'), JSON.stringify(records, null, 2));
    writeFileSync(join(DIR, 'org.json'), JSON.stringify({ httpUrl: sandbox.httpUrl, apiHost: SF.hosts.api, apiVersion: SF.apiVersion, token: tokens.accessToken }));
    rmSync(REPORT, { force: true });

    const jest = join(PROJECT, '../../node_modules/@salesforce/sfdx-lwc-jest/bin/sfdx-lwc-jest');
    const exitCode = await new Promise<number>((done) => {
      const child = spawn(process.execPath, [jest, '--', '--json', `--outputFile=${REPORT}`], { cwd: PROJECT, stdio: 'inherit' });
      child.on('close', (code) => done(code ?? 1));
    });
    if (!existsSync(REPORT)) {
      console.log('lwc-jest: 0 passed, 1 failed');
      return 1;
    }
    const report = jestReport.parse(JSON.parse(readFileSync(REPORT, 'utf8')));
    const failed = report.numFailedTests + report.numRuntimeErrorTestSuites;
    console.log(`lwc-jest: ${report.numPassedTests} passed, ${failed} failed`);
    return exitCode === 0 && failed === 0 ? 0 : 1;
  } finally {
    unroute();
    await sandbox.close();
  }
}

process.exitCode = await main();

import { z } from 'zod';
import { isSalesforceLoginHost, isSalesforceOwnedUrl, salesforceLoginHostProblem } from './hosts';

// The host checks of core/hosts.ts as zod schemas, for settings and stored sessions. Apart, so the content scripts,
// which need only the host lists, carry no zod.

/** A Salesforce login host as settings, files, policies and stored sessions must hold it. */
export const salesforceLoginHostSchema = z.string().refine(isSalesforceLoginHost, { error: (issue) => salesforceLoginHostProblem(String(issue.input)) });

/** An instance or identity URL from a token answer or a stored session. */
export const salesforceOwnedUrlSchema = z.string().refine(isSalesforceOwnedUrl, {
  error: (issue) => `"${String(issue.input)}" is not an https address on a Salesforce domain`,
});

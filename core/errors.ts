import { ZodError } from 'zod';
import { CrmError } from './crm';

/** An error as the panel and options page show it: a kind they can branch on, and plain words. */
export interface UserFacingError {
  kind: string;
  message: string;
  /** For kind 'permission': the origin to ask the user for. */
  origin?: string;
  /** For kind 'other-portal': the portal (or org) the offered credentials belong to. */
  instance?: string;
}

/** An error already phrased for the user; passes through unchanged. */
export class UserFacingFailure extends Error {
  constructor(readonly reason: UserFacingError) {
    super(reason.message);
  }
}

/** Why a record cannot be read: the host permission the user has not granted, named so the panel can ask for it. */
export function permissionNeeded(origin: string): UserFacingError {
  return { kind: 'permission', message: `Loyalty Lens needs your permission to reach ${origin}.`, origin };
}

/** The one place where validation failures become user words. */
export function describeZodError(error: ZodError, subject: string): string {
  const issue = error.issues[0];
  if (!issue) return `${subject} could not be read.`;
  const where = issue.path.length > 0 ? ` (${issue.path.join('.')})` : '';
  switch (issue.code) {
    case 'invalid_type':
      return `${subject} has a missing or wrong value${where}.`;
    case 'too_big':
      return `${subject} has a value that is too large or too long${where}.`;
    case 'too_small':
      return `${subject} has a value that is too small or empty${where}.`;
    case 'unrecognized_keys':
      return `${subject} contains fields Loyalty Lens does not accept${where}.`;
    case 'invalid_value':
      return `${subject} has a value that is not one of the allowed choices${where}.`;
    default:
      return `${subject} is not valid${where}.`;
  }
}

/** Maps anything thrown in the background to what the user may see. Never includes stack traces or tokens. */
export function toUserFacingError(error: unknown, subject = 'The request'): UserFacingError {
  if (error instanceof UserFacingFailure) return error.reason;
  if (error instanceof CrmError) return { kind: error.kind, message: error.message };
  if (error instanceof ZodError) return { kind: 'invalid', message: describeZodError(error, subject) };
  if (error instanceof DOMException && error.name === 'QuotaExceededError') {
    return { kind: 'storage-full', message: 'The browser has no space left for Loyalty Lens. Free some disk space; nothing queued was lost.' };
  }
  if (error instanceof Error && error.name === 'QuotaExceededError') {
    return { kind: 'storage-full', message: 'The browser has no space left for Loyalty Lens. Free some disk space; nothing queued was lost.' };
  }
  return { kind: 'internal', message: 'Something went wrong inside Loyalty Lens. Try again; if it keeps happening, reload the extension.' };
}

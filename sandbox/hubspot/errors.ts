// HubSpot's error bodies, as its public API returns them (status "error", a category, a correlationId).
import { randomUUID } from 'node:crypto';
import type { SandboxResponse } from '../types';

export const JSON_HEADERS = { 'content-type': 'application/json;charset=utf-8' } as const;

export function hubspotError(status: number, category: string, message: string, extra: Record<string, unknown> = {}): SandboxResponse {
  return {
    status,
    headers: { ...JSON_HEADERS },
    body: { status: 'error', message, correlationId: randomUUID(), category, ...extra },
  };
}

export function invalidAuthentication(): SandboxResponse {
  const response = hubspotError(
    401,
    'INVALID_AUTHENTICATION',
    'Authentication credentials not found. This API supports OAuth 2.0 authentication and you can find more details at https://developers.hubspot.com/docs/methods/auth/oauth-overview',
  );
  response.headers = { ...response.headers, 'x-hubspot-auth-failure': '401 Unauthorized' };
  return response;
}

export function missingScopes(required: readonly string[]): SandboxResponse {
  return hubspotError(
    403,
    'MISSING_SCOPES',
    "This app hasn't been granted all required scopes to make this call. Read more about required scopes here: https://developers.hubspot.com/scopes.",
    {
      errors: [{ message: 'One or more of the following scopes are required.', context: { requiredGranularScopes: [...required] } }],
      links: { scopes: 'https://developers.hubspot.com/scopes' },
    },
  );
}

export function notFound(message = 'resource not found'): SandboxResponse {
  return hubspotError(404, 'OBJECT_NOT_FOUND', message);
}

export function validationError(message: string, extra: Record<string, unknown> = {}): SandboxResponse {
  return hubspotError(400, 'VALIDATION_ERROR', message, extra);
}

export interface PropertyProblem {
  name: string;
  error: string;
  message: string;
}

/** HubSpot reports bad property values as a JSON array embedded in the message string. */
export function invalidProperties(problems: readonly PropertyProblem[]): SandboxResponse {
  const detail = problems.map((p) => ({ isValid: false, message: p.message, error: p.error, name: p.name, localizedErrorMessage: p.message }));
  return validationError(`Property values were not valid: ${JSON.stringify(detail)}`);
}

export type RateLimitPolicy = 'TEN_SECONDLY_ROLLING' | 'DAILY' | 'SECONDLY';

export function rateLimited(policy: RateLimitPolicy, headers: Record<string, string>): SandboxResponse {
  const message = policy === 'DAILY' ? 'You have reached your daily limit.'
    : policy === 'SECONDLY' ? 'You have reached your secondly limit.'
      : 'You have reached your ten_secondly_rolling limit.';
  return {
    status: 429,
    headers: { ...JSON_HEADERS, ...headers },
    body: { status: 'error', message, errorType: 'RATE_LIMIT', correlationId: randomUUID(), policyName: policy, requestId: randomUUID() },
  };
}

// Per-token request budgets like HubSpot's: a 10-second rolling window, a daily budget, and search's own
// per-second limit (search responses carry no rate-limit headers, as in HubSpot).
import { rateLimited, type RateLimitPolicy } from './errors';
import type { SandboxResponse } from '../types';

export interface LimitSettings {
  perTenSeconds: number;
  daily: number;
  searchPerSecond: number;
}

export const DEFAULT_LIMITS: LimitSettings = { perTenSeconds: 100, daily: 250_000, searchPerSecond: 5 };

interface Usage {
  window: number[];
  search: number[];
  daily: number;
}

const WINDOW_MS = 10_000;

export class RateLimiter {
  private usage = new Map<string, Usage>();
  settings: LimitSettings = { ...DEFAULT_LIMITS };
  rejected = 0;

  /** A new minute for every token: the windows start empty, the settings and daily counts stay. */
  clearWindows(): void {
    for (const usage of this.usage.values()) {
      usage.window = [];
      usage.search = [];
    }
  }

  reset(): void {
    this.usage.clear();
    this.settings = { ...DEFAULT_LIMITS };
    this.rejected = 0;
  }

  /** Counts one request; returns the 429 to send, or the headers to add to a normal answer. */
  take(token: string, search: boolean, now = Date.now()): { rejection: SandboxResponse } | { headers: Record<string, string> } {
    let usage = this.usage.get(token);
    if (!usage) this.usage.set(token, (usage = { window: [], search: [], daily: 0 }));
    usage.window = usage.window.filter((t) => now - t < WINDOW_MS);
    usage.search = usage.search.filter((t) => now - t < 1000);
    const reject = (policy: RateLimitPolicy, headers: Record<string, string>): { rejection: SandboxResponse } => {
      this.rejected++;
      return { rejection: rateLimited(policy, headers) };
    };
    if (usage.daily >= this.settings.daily) return reject('DAILY', this.headers(usage));
    if (search) {
      if (usage.search.length >= this.settings.searchPerSecond) return reject('SECONDLY', {});
      usage.search.push(now);
      usage.daily++;
      return { headers: {} };
    }
    if (usage.window.length >= this.settings.perTenSeconds) return reject('TEN_SECONDLY_ROLLING', this.headers(usage));
    usage.window.push(now);
    usage.daily++;
    return { headers: this.headers(usage) };
  }

  private headers(usage: Usage): Record<string, string> {
    return {
      'x-hubspot-ratelimit-daily': String(this.settings.daily),
      'x-hubspot-ratelimit-daily-remaining': String(Math.max(0, this.settings.daily - usage.daily)),
      'x-hubspot-ratelimit-interval-milliseconds': String(WINDOW_MS),
      'x-hubspot-ratelimit-max': String(this.settings.perTenSeconds),
      'x-hubspot-ratelimit-remaining': String(Math.max(0, this.settings.perTenSeconds - usage.window.length)),
    };
  }
}

// Client-side pacing shared by the CRM connectors and the outbox: a rolling-window limiter, backoff with full
// jitter, and Retry-After parsing. Pure apart from the injected clock and timer, so it is tested without waiting.

export interface Clock {
  now: () => number;
  sleep: (ms: number) => Promise<void>;
}

export const realClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

function settle(): { promise: Promise<void>; resolve: () => void } {
  let resolve = (): void => undefined;
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

/**
 * At most `max` requests start in any `windowMs` window. A caller waits for a slot instead of being refused,
 * so a burst of parallel requests is spread out rather than answered with 429s.
 */
export class RollingWindowLimiter {
  /** When each counted request started (or, see acquireUntilDone, finished), oldest first. */
  private readonly starts: number[] = [];
  /** Requests taken with acquireUntilDone and not done yet: they count, with no time to expire from. */
  private inFlight = 0;
  private done: { promise: Promise<void>; resolve: () => void } = settle();
  private pausedUntil = 0;
  /** Slots promised to waiting callers, so two waiters do not take the same slot. */
  private queue: Promise<void> = Promise.resolve();

  constructor(
    readonly max: number,
    readonly windowMs: number,
    private readonly clock: Clock = realClock,
  ) {
    if (!(max >= 1) || !(windowMs > 0)) throw new RangeError('A limiter needs max ≥ 1 and a positive window.');
  }

  /** Resolves when a request may start, and counts it from now. */
  acquire(): Promise<void> {
    return this.enqueue(() => this.starts.push(this.clock.now()));
  }

  /**
   * Like acquire, but the request counts from when it is done (call the function this resolves to). A server counts
   * a request when it arrives, somewhere between the two, so a window counted from the end can never run ahead of
   * the server's, however long the request waited on the way.
   */
  async acquireUntilDone(): Promise<() => void> {
    await this.enqueue(() => this.inFlight++);
    let finished = false;
    return () => {
      if (finished) return;
      finished = true;
      this.inFlight--;
      this.starts.push(this.clock.now());
      this.starts.sort((a, b) => a - b);
      this.done.resolve();
      this.done = settle();
    };
  }

  private enqueue(take: () => void): Promise<void> {
    const turn = this.queue.then(async () => {
      await this.waitForSlot();
      take();
    });
    // Keep the chain alive even if a sleep rejects, so one failure never wedges every later request.
    this.queue = turn.catch(() => undefined);
    return turn;
  }

  private async waitForSlot(): Promise<void> {
    for (;;) {
      const now = this.clock.now();
      this.prune(now);
      const full = this.starts.length + this.inFlight >= this.max;
      if (full && this.starts.length === 0) {
        await this.done.promise;
        continue;
      }
      const wait = Math.max(this.pausedUntil - now, full ? this.starts[0]! + this.windowMs - now : 0);
      if (wait <= 0) return;
      await this.clock.sleep(wait);
    }
  }

  /** Nobody starts before `until` (after a 429 with Retry-After, or when the server says the window is spent). */
  pauseUntil(until: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, until);
  }

  /** Requests that could start now without waiting. */
  available(): number {
    const now = this.clock.now();
    this.prune(now);
    return now < this.pausedUntil ? 0 : this.max - this.starts.length - this.inFlight;
  }

  /** Requests counted in the current window, in flight included (for tests and diagnostics). */
  inWindow(): number {
    this.prune(this.clock.now());
    return this.starts.length + this.inFlight;
  }

  private prune(now: number): void {
    while (this.starts.length > 0 && this.starts[0]! <= now - this.windowMs) this.starts.shift();
  }
}

/**
 * At most `max` tasks at once. A browser sends at most six requests to one host at a time; a request
 * counted against a rate window while it waits for a connection would reach the server later than
 * counted, so several windows' worth could arrive together.
 */
export class ConcurrencyLimit {
  private active = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(readonly max: number) {
    if (!(max >= 1)) throw new RangeError('A concurrency limit needs max ≥ 1.');
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.active >= this.max) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.active++;
    try {
      return await task();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.active--;
    }
  }
}

export interface BackoffPolicy {
  baseMs: number;
  capMs: number;
}

/**
 * "Full jitter" (AWS architecture blog): a uniformly random delay between 0 and min(cap, base·2^attempt).
 * Spreads retries of many clients so they do not hit the server in lockstep. `attempt` starts at 0.
 */
export function backoffDelay(attempt: number, policy: BackoffPolicy, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.capMs, policy.baseMs * 2 ** Math.max(0, attempt));
  return Math.floor(random() * ceiling);
}

/**
 * Retry-After is either delay-seconds or an HTTP-date (RFC 9110 §10.2.3). Returns milliseconds from `now`,
 * never negative, or null when the header is absent or unreadable.
 */
export function parseRetryAfter(value: string | null | undefined, now: number): number | null {
  if (value === null || value === undefined) return null;
  const text = value.trim();
  if (text === '') return null;
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  // Only HTTP-dates: Date.parse would also accept things like "5 minutes" in some engines.
  if (!/^[A-Za-z]{3}, \d{2} [A-Za-z]{3} \d{4} \d{2}:\d{2}:\d{2} GMT$/.test(text)) return null;
  const at = Date.parse(text);
  if (Number.isNaN(at)) return null;
  return Math.max(0, at - now);
}

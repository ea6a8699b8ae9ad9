import { describe, expect, it } from 'vitest';
import { backoffDelay, ConcurrencyLimit, parseRetryAfter, RollingWindowLimiter, type Clock } from '../../integrations/rate-limit';

function fakeClock(): Clock & { t: number } {
  const clock = {
    t: 0,
    now: () => clock.t,
    sleep: async (ms: number) => {
      clock.t += ms;
    },
  };
  return clock;
}

describe('RollingWindowLimiter', () => {
  it('lets at most max requests start in any window', async () => {
    const clock = fakeClock();
    const limiter = new RollingWindowLimiter(100, 10_000, clock);
    const starts: number[] = [];
    await Promise.all(Array.from({ length: 250 }, async () => {
      await limiter.acquire();
      starts.push(clock.now());
    }));
    expect(starts).toHaveLength(250);
    for (const s of starts) expect(starts.filter((t) => t > s - 10_000 && t <= s).length).toBeLessThanOrEqual(100);
    expect(Math.max(...starts)).toBe(20_000);
  });

  it('waits out a pause (Retry-After) before the next start', async () => {
    const clock = fakeClock();
    const limiter = new RollingWindowLimiter(10, 1_000, clock);
    limiter.pauseUntil(3_000);
    await limiter.acquire();
    expect(clock.now()).toBe(3_000);
  });

  it('tells how many requests could start now: none while paused, more as the window moves on', async () => {
    const clock = fakeClock();
    const limiter = new RollingWindowLimiter(5, 1_100, clock);
    expect(limiter.available()).toBe(5);
    for (let i = 0; i < 3; i++) await limiter.acquire();
    expect(limiter.available()).toBe(2);
    clock.t = 1_100;
    expect(limiter.available()).toBe(5);
    limiter.pauseUntil(2_000);
    expect(limiter.available()).toBe(0);
  });

  it('counts a request taken until done from when it is done, so a slow one cannot let the next run ahead', async () => {
    const clock = fakeClock();
    const limiter = new RollingWindowLimiter(2, 1_000, clock);
    const first = await limiter.acquireUntilDone();
    const second = await limiter.acquireUntilDone();
    expect(limiter.available()).toBe(0);
    let thirdAt: number | null = null;
    const third = limiter.acquire().then(() => {
      thirdAt = clock.now();
    });
    await Promise.resolve();
    expect(thirdAt).toBeNull();
    // The first answer arrives after 300 ms (it waited on its way); the window runs from there.
    clock.t = 300;
    first();
    first();
    await third;
    expect(thirdAt).toBe(1_300);
    second();
    expect(limiter.inWindow()).toBe(2);
  });

  it('refuses a nonsensical configuration', () => {
    expect(() => new RollingWindowLimiter(0, 1000)).toThrow(RangeError);
  });
});

describe('backoffDelay (full jitter)', () => {
  it.each([
    [0, 0.5, 50],
    [1, 0.5, 100],
    [3, 0.999, 799],
    [10, 1 - 1e-9, 2_999],
    [10, 0, 0],
  ])('attempt %i with random %f → %i ms', (attempt, r, expected) => {
    expect(backoffDelay(attempt, { baseMs: 100, capMs: 3_000 }, () => r)).toBe(expected);
  });
});

describe('parseRetryAfter', () => {
  const now = Date.UTC(2026, 10, 1, 12, 0, 0);
  it.each<[string | null | undefined, number | null]>([
    ['5', 5_000],
    ['0', 0],
    ['1.5', 1_500],
    ['Sun, 01 Nov 2026 12:00:10 GMT', 10_000],
    ['Sun, 01 Nov 2026 11:59:00 GMT', 0],
    ['soon', null],
    ['', null],
    [null, null],
    [undefined, null],
  ])('%s → %s', (value, expected) => {
    expect(parseRetryAfter(value, now)).toBe(expected);
  });
});

describe('ConcurrencyLimit', () => {
  it('runs at most `max` tasks at once, in order, and frees a slot when a task fails', async () => {
    const limit = new ConcurrencyLimit(2);
    let running = 0;
    let peak = 0;
    const started: number[] = [];
    const task = (id: number, fail = false) =>
      limit.run(async () => {
        started.push(id);
        running++;
        peak = Math.max(peak, running);
        await new Promise((resolve) => setTimeout(resolve, 5));
        running--;
        if (fail) throw new Error(`task ${id} failed`);
        return id;
      });
    const results = await Promise.allSettled([task(1), task(2, true), task(3), task(4), task(5)]);
    expect(peak).toBe(2);
    expect(started).toEqual([1, 2, 3, 4, 5]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'fulfilled', 'fulfilled']);
  });
});

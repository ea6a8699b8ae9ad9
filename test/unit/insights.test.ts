import { describe, expect, it } from 'vitest';
import {
  csvCell,
  insightsCsv,
  insightsPeriodSchema,
  insightsView,
  lastMonths,
  loopFunnel,
  loopSteps,
  monthBounds,
  monthsOf,
  npsByMonth,
  rankCauses,
  rankTouchpoints,
  toCsv,
  type CsvLabels,
  type InsightsCounts,
} from '../../core/insights';

function part(over: Partial<InsightsCounts>): InsightsCounts {
  return {
    crm: 'hubspot',
    instance: '1',
    counted: 'answers',
    months: [],
    causes: [],
    currency: 'USD',
    touchpoints: [],
    funnel: { opened: 0, reached: 0, resolved: 0, thanked: 0, closed: 0, closeHoursTotal: 0, closeCounted: 0 },
    recent: [],
    causeField: 'present',
    requestCount: 0,
    fetchedAt: 0,
    ...over,
  };
}

describe('months', () => {
  it.each([
    [{ from: '2026-01', to: '2026-01' }, ['2026-01']],
    [{ from: '2025-11', to: '2026-02' }, ['2025-11', '2025-12', '2026-01', '2026-02']],
  ] as const)('%o lists %o', (period, months) => {
    expect(monthsOf(period)).toEqual(months);
  });

  it('bounds a month in UTC, the next month excluded', () => {
    expect(monthBounds('2025-12')).toEqual({ start: Date.UTC(2025, 11, 1), end: Date.UTC(2026, 0, 1) });
  });

  it('the last 12 months end with the current one', () => {
    expect(lastMonths(12, Date.UTC(2026, 1, 15))).toEqual({ from: '2025-03', to: '2026-02' });
  });

  it.each([
    [{ from: '2026-03', to: '2026-01' }, 'end after it starts'],
    [{ from: '2023-01', to: '2026-01' }, 'at most 24 months'],
    [{ from: '2026-13', to: '2026-12' }, 'Invalid'],
  ])('refuses the period %o', (period, message) => {
    const parsed = insightsPeriodSchema.safeParse(period);
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.message).toContain(message);
  });
});

describe('NPS by month', () => {
  it('adds the CRMs month by month, with the margin and low n muted', () => {
    const rows = npsByMonth({ from: '2026-01', to: '2026-03' }, [
      part({ months: [{ month: '2026-01', promoters: 10, passives: 6, detractors: 4 }] }),
      part({ crm: 'salesforce', months: [{ month: '2026-01', promoters: 90, passives: 54, detractors: 36 }, { month: '2026-02', promoters: 1, passives: 0, detractors: 2 }] }),
    ]);
    // January: 100 / 60 / 40, n = 200 → +30 ± 11 (nps-method's example); February 1 / 0 / 2 → −33, ± 1.96·√((1/3 + 2/3 − 1/9)/3)·100 = 107.
    expect(rows).toEqual([
      { month: '2026-01', n: 200, promoters: 100, passives: 60, detractors: 40, nps: 30, margin: 11, lowN: false },
      { month: '2026-02', n: 3, promoters: 1, passives: 0, detractors: 2, nps: -33, margin: 107, lowN: true },
      { month: '2026-03', n: 0, promoters: 0, passives: 0, detractors: 0, nps: null, margin: null, lowN: true },
    ]);
  });
});

describe('root causes', () => {
  it('ranks by count, merging names across CRMs, and by revenue in the main currency only', () => {
    const { byCount, byRevenue } = rankCauses([
      part({ causes: [{ cause: 'Invoices', count: 3, revenue: 1000 }, { cause: 'Onboarding', count: 1, revenue: 5000 }, { cause: 'Bugs', count: 0, revenue: null }] }),
      part({ crm: 'salesforce', currency: 'USD', causes: [{ cause: 'invoices ', count: 2, revenue: 500 }, { cause: 'Support', count: 4, revenue: null }] }),
    ]);
    expect(byCount.map((r) => [r.cause, r.count, r.share])).toEqual([
      ['Invoices', 5, 50],
      ['Support', 4, 40],
      ['Onboarding', 1, 10],
    ]);
    expect(byCount[0]!.revenue).toEqual([{ currency: 'USD', amount: 1500 }]);
    expect(byRevenue.map((r) => r.cause)).toEqual(['Onboarding', 'Invoices']);
  });

  it('never adds two currencies together', () => {
    const { byCount } = rankCauses([
      part({ causes: [{ cause: 'Invoices', count: 1, revenue: 100 }] }),
      part({ crm: 'salesforce', currency: 'EUR', causes: [{ cause: 'Invoices', count: 1, revenue: 200 }] }),
    ]);
    expect(byCount[0]!.revenue).toEqual([
      { currency: 'USD', amount: 100 },
      { currency: 'EUR', amount: 200 },
    ]);
  });
});

describe('touchpoints', () => {
  it('ranks by detractor share, then n, and hides those under 10 answers', () => {
    const { rows, hidden } = rankTouchpoints([
      part({
        touchpoints: [
          { kind: 'channel', name: 'EMAIL', detractors: 5, n: 20 },
          { kind: 'survey', name: 'Onboarding', detractors: 6, n: 12 },
          { kind: 'survey', name: 'Renewal', detractors: 9, n: 9 },
        ],
      }),
      part({ crm: 'salesforce', touchpoints: [{ kind: 'channel', name: 'Email', detractors: 5, n: 20 }, { kind: 'survey', name: 'Support', detractors: 10, n: 40 }] }),
    ]);
    expect(rows.map((r) => [r.kind, r.name, r.n, r.detractors, r.detractorShare])).toEqual([
      ['survey', 'Onboarding', 12, 6, 50],
      ['channel', 'EMAIL', 40, 10, 25],
      ['survey', 'Support', 40, 10, 25],
    ]);
    expect(hidden).toBe(1);
  });
});

describe('the loop funnel', () => {
  it('adds the CRMs step by step with each step’s share of the one before, and the mean time to close', () => {
    const funnel = loopFunnel(200, [
      part({ funnel: { opened: 30, reached: 20, resolved: 10, thanked: 8, closed: 12, closeHoursTotal: 240, closeCounted: 12 } }),
      part({ crm: 'salesforce', funnel: { opened: 10, reached: 5, resolved: 5, thanked: 2, closed: 8, closeHoursTotal: 40, closeCounted: 8 } }),
    ]);
    expect(funnel.steps).toEqual([
      { step: 'answers', count: 200, ofPrevious: null },
      { step: 'opened', count: 40, ofPrevious: 20 },
      { step: 'reached', count: 25, ofPrevious: 63 },
      { step: 'resolved', count: 15, ofPrevious: 60 },
      { step: 'thanked', count: 10, ofPrevious: 67 },
    ]);
    // (240 + 40) / 20 = 14 hours.
    expect(funnel.meanCloseHours).toBe(14);
    expect(funnel.closed).toBe(20);
  });

  it('a step one CRM cannot count is not counted at all', () => {
    const funnel = loopFunnel(10, [
      part({ funnel: { opened: 3, reached: 2, resolved: 1, thanked: 1, closed: 1, closeHoursTotal: null, closeCounted: 0 } }),
      part({ crm: 'salesforce', funnel: { opened: 1, reached: null, resolved: null, thanked: null, closed: 0, closeHoursTotal: null, closeCounted: 0 } }),
    ]);
    expect(funnel.steps.map((s) => s.count)).toEqual([10, 4, null, null, null]);
    expect(funnel.meanCloseHours).toBeNull();
  });
});

describe('loop steps of an outcome', () => {
  it.each([
    ['reached-resolved', true, ['reached', 'resolved', 'thanked']],
    ['reached-unresolved', false, ['reached']],
    ['no-answer', false, []],
    ['promoter-review', true, ['thanked']],
  ] as const)('%s, thanked %s → %o', (result, thanked, steps) => {
    expect(loopSteps({ result, thanked })).toEqual(steps);
  });
});

describe('CSV', () => {
  it.each([
    ['=SUM(A1)', "'=SUM(A1)"],
    ['+1 555', "'+1 555"],
    ['-2', "'-2"],
    ['@cmd', "'@cmd"],
    ['\t=1', "'\t=1"],
    ['a, b', '"a, b"'],
    ['say "hi"', '"say ""hi"""'],
    ['two\nlines', '"two\nlines"'],
    ['Счета', 'Счета'],
  ])('the cell %j is written %j', (input, output) => {
    expect(csvCell(input)).toBe(output);
  });

  it('keeps numbers, empties null, starts with a BOM and ends lines with CRLF', () => {
    expect(csvCell(-12)).toBe('-12');
    expect(csvCell(null)).toBe('');
    expect(toCsv([['a', 1], ['b', null]])).toBe('\uFEFFa,1\r\nb,\r\n');
  });

  it('writes every table of the view', () => {
    const labels: CsvLabels = {
      section: { months: 'NPS by month', causes: 'Root causes', touchpoints: 'Touchpoints', funnel: 'Funnel', recent: 'Recent loops' },
      column: {
        month: 'Month', n: 'n', promoters: 'Promoters', passives: 'Passives', detractors: 'Detractors', nps: 'NPS', margin: 'Margin', cause: 'Cause', count: 'Count',
        share: 'Share %', revenue: 'Revenue', currency: 'Currency', kind: 'Kind', name: 'Name', detractorShare: 'Detractors %', step: 'Step', ofPrevious: '% of previous',
        title: 'Follow-up', contact: 'Contact', rootCauses: 'Root causes', steps: 'Steps', opened: 'Opened', link: 'Link',
      },
      step: { answers: 'Answers', opened: 'Opened', reached: 'Reached', resolved: 'Resolved', thanked: 'Thanked' },
      kind: { survey: 'Survey', channel: 'Channel' },
      touchpoint: (kind, name) => (kind === 'channel' ? name.toLowerCase() : name),
    };
    const view = insightsView({ from: '2026-01', to: '2026-01' }, [
      part({
        months: [{ month: '2026-01', promoters: 1, passives: 0, detractors: 1 }],
        causes: [{ cause: '=HYPERLINK("x")', count: 1, revenue: 10 }],
        recent: [{ crm: 'hubspot', id: '7', title: 'Ticket 7', contactName: 'Ann', rootCauses: ['Invoices'], steps: ['reached'], closed: false, openedAt: Date.UTC(2026, 0, 3), url: 'https://app.hubspot.com/x' }],
      }),
    ]);
    const lines = insightsCsv(view, labels).slice(1).split('\r\n');
    expect(lines).toEqual([
      'NPS by month',
      'Month,n,Promoters,Passives,Detractors,NPS,Margin',
      '2026-01,2,1,0,1,0,139',
      '',
      'Root causes',
      'Cause,Count,Share %,Revenue,Currency',
      '"\'=HYPERLINK(""x"")",1,100,10,USD',
      '',
      'Touchpoints',
      'Kind,Name,n,Detractors,Detractors %',
      '',
      'Funnel',
      'Step,Count,% of previous',
      'Answers,2,',
      'Opened,0,0',
      'Reached,0,',
      'Resolved,0,',
      'Thanked,0,',
      '',
      'Recent loops',
      'Opened,Follow-up,Contact,Root causes,Steps,Link',
      '2026-01-03,Ticket 7,Ann,Invoices,reached,https://app.hubspot.com/x',
      '',
    ]);
  });
});

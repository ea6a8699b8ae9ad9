// @vitest-environment happy-dom
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { createI18n } from '../../core/i18n';
import { en } from '../../core/locales/en';
import { ru } from '../../core/locales/ru';
import { HistoryChart } from '../../components/panel/HistoryChart';
import { I18nProvider } from '../../components/panel/i18n-context';
import { DAY, NOW, response } from './panel-helpers';

afterEach(cleanup);

/** The chart once its drawing, which loads on demand, is there. */
async function showChart(responses: ReturnType<typeof response>[], locale: 'en' | 'ru' = 'en') {
  const shown = render(
    <I18nProvider value={createI18n(locale, locale === 'ru' ? ru : en)}>
      <HistoryChart responses={responses} />
    </I18nProvider>,
  );
  await screen.findByRole('group', { name: locale === 'ru' ? /^История оценок/ : /^Score history/ });
  return shown;
}

const num = (el: Element | null | undefined, name: string) => Number(el?.getAttribute(name));

/** The lane's frame: where its points must be drawn whole. */
function frameOf(lane: Element) {
  const frame = lane.querySelector('.lane-frame')!;
  return { x: num(frame, 'x'), top: num(frame, 'y'), bottom: num(frame, 'y') + num(frame, 'height') };
}

describe('the history chart', () => {
  const answers = [
    response('101', 0, NOW - 300 * DAY),
    response('101', 10, NOW - 200 * DAY),
    response('101', 6, NOW - 100 * DAY),
    response('101', 9, Date.UTC(2026, 10, 19, 12)),
    response('101', 4, NOW - 150 * DAY, { kind: 'csat', scaleMax: 5 }),
    response('101', 2, NOW - 20 * DAY, { kind: 'ces', scaleMax: 7 }),
  ].sort((a, b) => a.submittedAt - b.submittedAt);

  it('pads the scale so a 0 and a 10 are drawn whole inside the lane', async () => {
    const { container } = await showChart(answers);
    const lane = container.querySelector('.lane-nps')!;
    const { top, bottom } = frameOf(lane);
    const points = [...lane.querySelectorAll('circle')];
    expect(points).toHaveLength(4);
    for (const p of points) {
      const r = num(p, 'r');
      expect(num(p, 'cy') - r).toBeGreaterThanOrEqual(top);
      expect(num(p, 'cy') + r).toBeLessThanOrEqual(bottom);
    }
  });

  it('marks the NPS scale every two points and the time axis with three dates', async () => {
    const { container } = await showChart(answers);
    expect([...container.querySelectorAll('.lane-nps .lane-tick')].map((t) => t.textContent)).toEqual(['0', '2', '4', '6', '8', '10']);
    const dates = [...container.querySelectorAll('.axis-date')].map((t) => t.textContent);
    expect(dates).toHaveLength(3);
    expect(dates[2]).toBe('Nov 19, 2026');
  });

  it('names a point’s score and date on hover and on keyboard focus', async () => {
    const { container } = await showChart(answers);
    const point = screen.getByRole('img', { name: 'NPS: 9 of 10 · Nov 19, 2026' });
    expect(point.getAttribute('tabindex')).toBe('0');
    expect(container.querySelector('.point-label')).toBeNull();
    fireEvent.mouseEnter(point);
    expect(container.querySelector('.point-label')?.textContent).toBe('9 · Nov 19, 2026');
    fireEvent.mouseLeave(point);
    expect(container.querySelector('.point-label')).toBeNull();
    fireEvent.focus(point);
    expect(container.querySelector('.point-label')?.textContent).toBe('9 · Nov 19, 2026');
    // The label stays inside the chart even for the right-most point.
    const label = container.querySelector('.point-label rect')!;
    expect(num(label, 'x') + num(label, 'width')).toBeLessThanOrEqual(320);
    fireEvent.blur(point);
    expect(container.querySelector('.point-label')).toBeNull();
  });

  it('says a single CSAT or effort answer in words instead of a lane with one dot', async () => {
    const { container } = await showChart(answers);
    expect(container.querySelector('.lane-csat')).toBeNull();
    expect(container.querySelector('.lane-ces')).toBeNull();
    expect([...container.querySelectorAll('.chart-single li')].map((li) => li.textContent)).toEqual([
      `CSAT: 4 of 5 · ${createI18n('en').date(NOW - 150 * DAY)}`,
      `Effort: 2 of 7 · ${createI18n('en').date(NOW - 20 * DAY)}`,
    ]);
  });

  it('keeps lane names above their lanes and ticks in the gutter, in Russian too', async () => {
    const two = [...answers, response('101', 5, NOW - 10 * DAY, { kind: 'ces', scaleMax: 7 })].sort((a, b) => a.submittedAt - b.submittedAt);
    for (const locale of ['en', 'ru'] as const) {
      const { container, unmount } = await showChart(two, locale);
      const lanes = [...container.querySelectorAll('.lane')];
      expect(lanes.map((l) => l.getAttribute('class'))).toEqual(['lane lane-nps', 'lane lane-ces']);
      for (const lane of lanes) {
        const frame = frameOf(lane);
        const label = lane.querySelector('.lane-label')!;
        // The name sits above the frame, where no tick is drawn.
        expect(num(label, 'y')).toBeLessThan(frame.top);
        expect(num(label, 'x')).toBeGreaterThanOrEqual(frame.x);
        for (const tick of lane.querySelectorAll('.lane-tick')) {
          expect(num(tick, 'x')).toBeLessThan(frame.x);
          expect(num(tick, 'y')).toBeGreaterThan(frame.top);
        }
      }
      if (locale === 'ru') expect(container.querySelector('.lane-ces .lane-label')?.textContent).toBe('Усилия');
      unmount();
    }
  });

  it('draws segment bands that stand out from the background in both themes', () => {
    const css = readFileSync(join(__dirname, '../../entrypoints/panel/panel.css'), 'utf8');
    const dark = css.slice(css.indexOf('@media (prefers-color-scheme: dark)'));
    const light = css.slice(0, css.indexOf('@media (prefers-color-scheme: dark)'));
    const value = (block: string, name: string) => new RegExp(`--${name}:\\s*([^;]+);`).exec(block)![1]!.trim();
    const rgb = (text: string) => {
      const hex = /^#([0-9a-f]{6})$/i.exec(text);
      if (hex) return { r: parseInt(hex[1]!.slice(0, 2), 16), g: parseInt(hex[1]!.slice(2, 4), 16), b: parseInt(hex[1]!.slice(4, 6), 16), a: 1 };
      const [r, g, b, a] = /rgba\(([^)]+)\)/.exec(text)![1]!.split(',').map(Number);
      return { r: r!, g: g!, b: b!, a: a! };
    };
    const luminance = ({ r, g, b }: { r: number; g: number; b: number }) => {
      const lin = (c: number) => (c / 255 <= 0.03928 ? c / 255 / 12.92 : ((c / 255 + 0.055) / 1.055) ** 2.4);
      return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
    };
    for (const block of [light, dark]) {
      const bg = rgb(value(block, 'bg'));
      for (const band of ['band-detractor', 'band-passive', 'band-promoter']) {
        const c = rgb(value(block, band));
        const over = { r: c.r * c.a + bg.r * (1 - c.a), g: c.g * c.a + bg.g * (1 - c.a), b: c.b * c.a + bg.b * (1 - c.a) };
        const [hi, lo] = [luminance(over), luminance(bg)].sort((a, b) => b - a);
        expect((hi! + 0.05) / (lo! + 0.05), `${band} ${block === dark ? 'dark' : 'light'}`).toBeGreaterThanOrEqual(1.4);
      }
    }
  });
});

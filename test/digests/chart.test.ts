import { describe, expect, it } from 'vitest';
import { CHART_BACKGROUND, chartSpec, chartSvg, SERIES } from '../../src/rituals/digests/chart.js';

/** WCAG 2 relative luminance of #rrggbb. */
function luminance(hex: string): number {
  const [r, g, b] = [1, 3, 5].map((i) => {
    const c = parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
}

function contrast(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi! + 0.05) / (lo! + 0.05);
}

describe('the digest chart', () => {
  it('computes contrast as WCAG does', () => {
    expect(contrast('#000000', '#ffffff')).toBeCloseTo(21, 5);
    expect(contrast('#777777', '#ffffff')).toBeCloseTo(4.48, 2);
  });

  it.each(SERIES.map((s) => [s.label, s.color]))(
    '%s (%s) reaches 3:1 contrast with the background, and is what the chart draws',
    async (label, color) => {
      expect(contrast(color, CHART_BACKGROUND)).toBeGreaterThanOrEqual(3);
      const week = {
        end: new Date('2026-11-27T15:00:00Z'),
        validated: 1,
        disproven: 1,
        inconclusive: 1,
        abandoned: 1,
      };
      const svg = await chartSvg(chartSpec([week], 'Europe/Berlin', 'Outcomes'));
      expect(svg).toContain(`fill="${color}"`);
      expect(svg).toContain(label);
    },
  );
});

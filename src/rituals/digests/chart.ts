import { createRequire } from 'node:module';
import { Resvg } from '@resvg/resvg-js';
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { inZone } from '../../time.js';
import type { WeekOutcomes } from './model.js';

/**
 * The digest's chart: outcomes per week over the last 12 weeks, as a PNG. Vega-Lite
 * describes it, Vega renders SVG headless (renderer 'none', no canvas, no browser), and
 * resvg rasterises it with the DejaVu Sans file shipped in the dejavu-fonts-ttf package,
 * system fonts off, so the image is the same on every machine. Disproven is drawn as
 * knowledge gained, in a colour of progress beside validated, never as red failure.
 */
const require = createRequire(import.meta.url);
const FONT_FILES = [
  require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans.ttf'),
  require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf'),
];
const FONT = 'DejaVu Sans';

/** The chart's background; every series colour reaches 3:1 contrast with it (WCAG 1.4.11). */
export const CHART_BACKGROUND = '#ffffff';

export const SERIES = [
  { key: 'validated', label: 'Validated', color: '#2e7d32' },
  { key: 'disproven', label: 'Disproven: knowledge gained', color: '#1565c0' },
  { key: 'inconclusive', label: 'Inconclusive', color: '#757575' },
  { key: 'abandoned', label: 'Abandoned', color: '#8d6e63' },
] as const;

export function chartSpec(weeks: WeekOutcomes[], tz: string, title: string): TopLevelSpec {
  const values = weeks.flatMap((w, i) =>
    SERIES.map((s, order) => ({
      week: inZone(w.end, tz).format('D MMM'),
      i,
      outcome: s.label,
      order,
      n: w[s.key],
    })),
  );
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: title, anchor: 'start' },
    width: 560,
    height: 220,
    background: CHART_BACKGROUND,
    config: { font: FONT, view: { stroke: null } },
    data: { values },
    mark: { type: 'bar', cornerRadiusEnd: 2 },
    encoding: {
      x: {
        field: 'week',
        type: 'ordinal',
        sort: { field: 'i' },
        title: 'Week ending',
        axis: { labelAngle: 0 },
      },
      y: {
        field: 'n',
        type: 'quantitative',
        aggregate: 'sum',
        title: 'Hypotheses concluded',
        axis: { tickMinStep: 1 },
      },
      color: {
        field: 'outcome',
        type: 'nominal',
        scale: { domain: SERIES.map((s) => s.label), range: SERIES.map((s) => s.color) },
        legend: { orient: 'bottom', title: null, labelLimit: 320 },
      },
      order: { field: 'order' },
    },
  };
}

export async function chartSvg(spec: TopLevelSpec): Promise<string> {
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

export function svgToPng(svg: string): Buffer {
  const resvg = new Resvg(svg, {
    font: { fontFiles: FONT_FILES, loadSystemFonts: false, defaultFontFamily: FONT },
    fitTo: { mode: 'zoom', value: 2 },
  });
  return resvg.render().asPng();
}

export async function renderChart(weeks: WeekOutcomes[], tz: string, title: string): Promise<Buffer> {
  return svgToPng(await chartSvg(chartSpec(weeks, tz, title)));
}

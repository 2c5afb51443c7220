/**
 * The digest's chart: orders per day by channel, as a PNG made on the server. Vega-Lite compiles
 * the spec, Vega renders it headless to SVG (no canvas, no browser), and resvg (a prebuilt binary
 * from the npm registry) rasterises it with the DejaVu font we ship, so the picture is the same on
 * every machine and reads no system fonts. The libraries are imported when a chart is made, so a
 * server that never makes one never loads them.
 */
import { createRequire } from 'node:module';
import type { Channel } from '../orders/lifecycle.js';
import { channelLabel } from '../slack/blocks/format.js';
import type { Digest } from './compute.js';

const require = createRequire(import.meta.url);
const FONTS = [
  require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans.ttf'),
  require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf'),
];
const FONT_FAMILY = 'DejaVu Sans';

/** One colour per channel, whatever else is on the chart, so a channel keeps its colour day to day. */
const COLOURS: Record<Channel, string> = {
  web: '#4c78a8',
  marketplace: '#f58518',
  store: '#54a24b',
  phone: '#e45756',
  sms: '#72b7b2',
  voice: '#b279a2',
  slack: '#eeca3b',
  api: '#9d755d',
};

export const CHART_WIDTH = 640;
export const CHART_HEIGHT = 240;
/** Drawn at twice the size so it stays sharp on high-density screens. */
const SCALE = 2;

const dayLabel = (day: string) =>
  new Intl.DateTimeFormat('en-US', {
    timeZone: 'UTC',
    weekday: 'short',
    month: 'short',
    day: 'numeric',
  }).format(new Date(`${day}T00:00:00Z`));

/** The Vega-Lite spec (plain data: unit-tested without rendering). */
export function chartSpec(chart: Digest['chart']) {
  const labels = chart.days.map(dayLabel);
  const first = labels[0] ?? '';
  const last = labels[labels.length - 1] ?? '';
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    width: CHART_WIDTH,
    height: CHART_HEIGHT,
    background: 'white',
    padding: 12,
    title: { text: `Orders per day by channel, ${first} – ${last}`, anchor: 'start' as const, fontSize: 14 },
    config: { font: FONT_FAMILY, view: { stroke: null } },
    data: {
      values: chart.counts
        .filter((c) => c.count > 0)
        .map((c) => ({
          day: dayLabel(c.day),
          channel: channelLabel(c.channel),
          orders: c.count,
          order: chart.channels.indexOf(c.channel),
        })),
    },
    mark: { type: 'bar' as const, width: { band: 0.8 } },
    encoding: {
      x: {
        field: 'day',
        type: 'ordinal' as const,
        title: null,
        scale: { domain: labels },
        axis: { labelAngle: -40, labelFontSize: 11 },
      },
      y: {
        field: 'orders',
        type: 'quantitative' as const,
        aggregate: 'sum' as const,
        title: 'orders',
        axis: { tickMinStep: 1, format: 'd' },
        // No orders at all: an empty 0–5 axis rather than a lone 0 in the middle.
        scale: chart.channels.length > 0 ? { zero: true } : { domain: [0, 5] },
      },
      color: {
        field: 'channel',
        type: 'nominal' as const,
        title: 'Channel',
        ...(chart.channels.length > 0 ? {} : { legend: null }),
        scale: {
          domain: chart.channels.map((c) => channelLabel(c)),
          range: chart.channels.map((c) => COLOURS[c]),
        },
      },
      order: { field: 'order', type: 'quantitative' as const },
    },
  };
}

type Libraries = {
  vega: typeof import('vega');
  vegaLite: typeof import('vega-lite');
  Resvg: typeof import('@resvg/resvg-js').Resvg;
};
let libraries: Promise<Libraries> | undefined;

/**
 * Loaded on the first chart, once (a second chart drawn meanwhile waits for the same load), one
 * after the other: they share modules, and Jest's ESM loader trips on a module that two imports
 * in flight both link.
 */
function load(): Promise<Libraries> {
  libraries ??= (async () => {
    const vega = await import('vega');
    const vegaLite = await import('vega-lite');
    const resvg = await import('@resvg/resvg-js');
    const Resvg = resvg.Resvg ?? (resvg as unknown as { default: typeof resvg }).default.Resvg;
    return { vega, vegaLite, Resvg };
  })().catch((err) => {
    libraries = undefined;
    throw err;
  });
  return libraries;
}

/** The chart as SVG text (Vega, headless). */
export async function renderChartSvg(chart: Digest['chart']): Promise<string> {
  const { vega, vegaLite } = await load();
  const compiled = vegaLite.compile(chartSpec(chart) as never).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
  try {
    return await view.toSVG(SCALE);
  } finally {
    view.finalize();
  }
}

/** The chart as a PNG. */
export async function renderChart(chart: Digest['chart']): Promise<Buffer> {
  const svg = await renderChartSvg(chart);
  const { Resvg } = await load();
  const image = new Resvg(svg, {
    font: { fontFiles: FONTS, loadSystemFonts: false, defaultFontFamily: FONT_FAMILY },
    background: 'white',
  }).render();
  return Buffer.from(image.asPng());
}

import { inflateSync } from 'node:zlib';
import { CHART_HEIGHT, CHART_WIDTH, chartSpec, renderChart, renderChartSvg } from '../../src/digest/chart.js';
import type { Digest } from '../../src/digest/compute.js';
import { daysEnding } from '../../src/digest/days.js';

/** The digest's chart, drawn on the server: Vega-Lite → Vega (SVG, headless) → resvg (PNG). */

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** The chunks of a PNG, each checked against its CRC-32. */
function chunks(png: Buffer): { type: string; data: Buffer }[] {
  const table = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc32 = (buf: Buffer) => {
    let c = 0xffffffff;
    for (const byte of buf) c = (table[(c ^ byte) & 0xff] as number) ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const found: { type: string; data: Buffer }[] = [];
  for (let at = 8; at < png.length; ) {
    const length = png.readUInt32BE(at);
    const typeAndData = png.subarray(at + 4, at + 8 + length);
    expect(png.readUInt32BE(at + 8 + length)).toBe(crc32(typeAndData));
    found.push({ type: typeAndData.subarray(0, 4).toString('ascii'), data: typeAndData.subarray(4) });
    at += 12 + length;
  }
  return found;
}

const days = daysEnding('2026-03-27', 14);
const chart: Digest['chart'] = {
  days,
  channels: ['web', 'sms', 'phone'],
  counts: days.flatMap((day, i) => [
    { day, channel: 'web' as const, count: (i * 3) % 7 },
    { day, channel: 'sms' as const, count: i % 3 },
    { day, channel: 'phone' as const, count: i === 13 ? 4 : 0 },
  ]),
};

test('When the chart is drawn, then it is a whole PNG (signature, IHDR, image data that inflates to every row, IEND) at twice its size', async () => {
  const png = await renderChart(chart);
  expect(png.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
  const parts = chunks(png);
  expect(parts[0]?.type).toBe('IHDR');
  expect(parts[parts.length - 1]?.type).toBe('IEND');
  const ihdr = parts[0]?.data as Buffer;
  const width = ihdr.readUInt32BE(0);
  const height = ihdr.readUInt32BE(4);
  expect(width).toBeGreaterThanOrEqual(CHART_WIDTH * 2);
  expect(height).toBeGreaterThanOrEqual(CHART_HEIGHT * 2);
  expect(ihdr[8]).toBe(8); // 8 bits per channel
  const pixels = inflateSync(Buffer.concat(parts.filter((p) => p.type === 'IDAT').map((p) => p.data)));
  const channels = ihdr[9] === 6 ? 4 : ihdr[9] === 2 ? 3 : 0;
  expect(channels).toBeGreaterThan(0);
  expect(pixels.length).toBe(height * (1 + width * channels)); // one filter byte a row
  expect(png.length).toBeGreaterThan(10_000);
});

test('When the chart is drawn, then its SVG has the title, the 14 day labels in order and one colour per channel, in our font', async () => {
  const svg = await renderChartSvg(chart);
  expect(svg).toContain('Orders per day by channel, Sat, Mar 14 – Fri, Mar 27');
  const labels = [...svg.matchAll(/>((?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), Mar \d+)</g)].map((m) => m[1]);
  expect(labels).toEqual(
    days.map((d) => `${new Date(`${d}T00:00:00Z`).toUTCString().slice(0, 3)}, Mar ${Number(d.slice(8))}`),
  );
  for (const colour of ['#4c78a8', '#72b7b2', '#e45756']) expect(svg).toContain(colour);
  expect(svg).toContain('DejaVu Sans');
});

test('When a channel had no orders or a day none at all, then the spec keeps every day on the axis and names only channels with orders', () => {
  const spec = chartSpec({
    days,
    channels: ['store'],
    counts: [{ day: days[3] as string, channel: 'store', count: 2 }],
  });
  expect(spec.encoding.x.scale.domain).toHaveLength(14);
  expect(spec.encoding.color.scale.domain).toEqual(['Store']);
  expect(spec.data.values).toEqual([{ day: 'Tue, Mar 17', channel: 'Store', orders: 2, order: 0 }]);
});

test('When there were no orders in 14 days, then the chart is still drawn', async () => {
  const png = await renderChart({ days, channels: [], counts: [] });
  expect(png.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
});

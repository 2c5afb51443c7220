import { createRequire } from 'node:module';
import { drawableRuns } from './bidi.js';

/**
 * The low-level drawing of an invoice or credit note PDF: the page's measures, and text drawn in
 * boxes from the reading start (mirrored for Hebrew), each line as bidi runs, wrapped or fitted.
 */

// DejaVu Sans instead of PDF's built-in Helvetica, which has no Hebrew (or Cyrillic, Greek…) glyphs
// nor ₪: embedded (subset) from the npm package, nothing taken from the system.
const require = createRequire(import.meta.url);
export const FONT = require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans.ttf');
export const FONT_BOLD = require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf');

// A4 in points, and the layout's measures.
export const PAGE = { width: 595.28, height: 841.89 };
export const MARGIN = 50;
export const CONTENT = PAGE.width - 2 * MARGIN;
/** Where a page's content ends: below it only the footer. */
export const BOTTOM = PAGE.height - MARGIN - 10;
export const GREY = '#5f6368';
export const RULE = '#d0d4d9';
export const SHADE = '#f1f3f4';
/** The table's columns, from the reading start: item, quantity, unit price, net, tax, total. */
export const COLUMN_WIDTHS = [165, 38, 72, 72, 70, 78.28];
export const PAD = 4;

export type FontName = 'body' | 'bold';
/** `start`/`end` follow the reading direction; `right` stays right (amounts, so their decimals line up). */
export type Align = 'start' | 'end' | 'right';
export interface Style {
  font?: FontName;
  size?: number;
  color?: string;
  align?: Align;
  /** One line only: the font shrinks until the text fits (an amount is never wrapped). */
  fit?: boolean;
}

/** The table's column starts, from the reading start. */
export const starts = COLUMN_WIDTHS.map(
  (_, i) => MARGIN + COLUMN_WIDTHS.slice(0, i).reduce((s, w) => s + w, 0),
);

/** The text box of column `i`: inside its padding. */
export const column = (i: number) => ({
  start: (starts[i] ?? MARGIN) + PAD,
  width: (COLUMN_WIDTHS[i] ?? 0) - 2 * PAD,
});

/** The item column follows the reading direction; the numbers stay right-aligned. */
export const align = (i: number): Align => (i === 0 ? 'start' : 'right');

/** Drawing on `pdf`: every string goes through here, in both languages. */
export function layout(pdf: PDFKit.PDFDocument, rtl: boolean) {
  const use = (style: Style) => pdf.font(style.font ?? 'body').fontSize(style.size ?? 9.5);
  /** Width of a run as drawn: whole (features set), as `drawableRuns` wants it. */
  const runWidth = (run: string) => pdf.widthOfString(run, { features: [] });
  const drawnWidth = (line: string) => drawableRuns(line).reduce((sum, run) => sum + runWidth(run), 0);
  const lineHeight = (style: Style) => use(style).currentLineHeight(true);

  /** The lines of `text` within `width` (logical order, wrapped at spaces, a long word cut). */
  const wrap = (text: string, width: number, style: Style): string[] => {
    use(style);
    const lines: string[] = [];
    for (const paragraph of text.split('\n')) {
      let current = '';
      for (const word of paragraph.split(/ +/)) {
        const candidate = current ? `${current} ${word}` : word;
        if (pdf.widthOfString(candidate) <= width || !current) {
          current = candidate;
        } else {
          lines.push(current);
          current = word;
        }
        // A word wider than the column (a long SKU or e-mail) is cut where it must be.
        while (pdf.widthOfString(current) > width && [...current].length > 1) {
          const chars = [...current];
          let n = chars.length - 1;
          while (n > 1 && pdf.widthOfString(chars.slice(0, n).join('')) > width) n--;
          lines.push(chars.slice(0, n).join(''));
          current = chars.slice(n).join('');
        }
      }
      if (current || !lines.length) lines.push(current);
    }
    return lines;
  };

  /** Physical x of a box given from the reading start (mirrored for Hebrew). */
  const boxX = (start: number, width: number) => (rtl ? PAGE.width - start - width : start);

  /**
   * Draws `text` in the box that begins `start` points from the reading start and is `width` wide,
   * from `y` down; returns the height used. With `measure` nothing is drawn.
   */
  const text = (
    value: string,
    start: number,
    width: number,
    y: number,
    style: Style = {},
    measure = false,
  ) => {
    const size = style.size ?? 9.5;
    const lines = style.fit ? [value] : wrap(value, width, style);
    let fitted = size;
    if (style.fit) {
      use(style);
      while (fitted > 6 && drawnWidth(value) > width) {
        fitted -= 0.5;
        use({ ...style, size: fitted });
      }
    }
    const fittedStyle = { ...style, size: fitted };
    const height = lineHeight(fittedStyle);
    if (measure) return lines.length * lineHeight(style);
    const x0 = boxX(start, width);
    const align = style.align ?? 'start';
    const right = align === 'right' || (align === 'start' ? rtl : !rtl);
    use(fittedStyle).fillColor(style.color ?? 'black');
    lines.forEach((line, i) => {
      const runs = drawableRuns(line.trim());
      const total = runs.reduce((sum, run) => sum + runWidth(run), 0);
      let x = right ? x0 + width - total : x0;
      for (const run of runs) {
        pdf.text(run, x, y + i * height, { lineBreak: false, features: [] });
        x += runWidth(run);
      }
    });
    return lines.length * height;
  };

  /** A horizontal rule from `start` (from the reading start) to the content's end side. */
  const rule = (y: number, { start = MARGIN, color = RULE, width = 0.6 } = {}) => {
    const x = boxX(start, PAGE.width - MARGIN - start);
    pdf
      .moveTo(x, y)
      .lineTo(x + PAGE.width - MARGIN - start, y)
      .lineWidth(width)
      .strokeColor(color)
      .stroke();
  };

  return { lineHeight, text, rule };
}

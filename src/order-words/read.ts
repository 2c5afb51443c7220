/**
 * An order in the customer's own words ("2 blue mugs and a tote", "2 ספלים כחולים ותיק") read
 * against the catalogue: lines it is sure of, a question for each phrase that fits several
 * products, and the phrases that fit none. Never a silent guess. The one reader of SMS ORDER and
 * ADD, voice option 3 and the Slack phone-order form. Pure.
 */
import type { Catalogue, ProductChoice, WordMeaning } from './catalogue.js';
import { isFiller, isGlue, isJoiner, quantityWord, stem, words } from './language.js';

export interface OrderLine {
  sku: string;
  quantity: number;
}

/** A phrase that fits several products: asked as "1 …, 2 … — reply 1 or 2". */
export interface OrderQuestion {
  phrase: string;
  quantity: number;
  options: ProductChoice[];
}

/** A phrase that fits no product, and the product closest to it when one shares a word. */
export interface Unplaced {
  phrase: string;
  closest?: ProductChoice;
}

export interface OrderReading {
  lines: OrderLine[];
  questions: OrderQuestion[];
  unplaced: Unplaced[];
  /** A line asking for more than `maxQuantity` (or 0). */
  tooMuch?: { phrase: string; quantity: number };
}

export interface ReadLimits {
  /** The most units of one product in one order by these words. */
  maxQuantity: number;
}

type Item = { quantity: number; words: string[]; explicit: boolean };
type Fit =
  | { kind: 'one'; sku: string }
  | { kind: 'several'; options: ProductChoice[] }
  | { kind: 'none'; closest?: ProductChoice };

// Commas, semicolons, new lines and sentence stops always end an item; "and" only when the
// words around it are not one product's name ("Salt and pepper set").
const HARD_BREAKS = /[,;\n،]+|\.(?=\s|$)/;

export function createOrderReader(catalogue: Catalogue, limits: ReadLimits) {
  /** Quantity words at the start ("2", "two", "a couple of", "half a dozen") or the end ("x2", "אחד"). */
  function item(tokens: readonly string[]): Item {
    let ws = [...tokens];
    while (ws.length > 1 && isFiller(ws[0] ?? '') && !isName(ws[0] ?? '')) ws = ws.slice(1);
    let quantity: number | undefined;
    const first = ws[0];
    const lead = ws.slice(0, 3).map((w) => w.toLowerCase());
    if (lead[0] === 'half' && ['a', 'an'].includes(lead[1] ?? '') && lead[2] === 'dozen') {
      quantity = 6;
      ws = ws.slice(3);
    } else if (['a', 'an'].includes(lead[0] ?? '') && ['couple', 'pair', 'dozen'].includes(lead[1] ?? '')) {
      quantity = quantityWord(lead[1] ?? '');
      ws = ws.slice(2);
    } else if (first !== undefined && isQuantity(first) && (!skuThenQuantity(ws) || quantityThenSku(ws))) {
      quantity = quantityWord(first);
      ws = ws.slice(1);
    }
    // A lone SKU that looks like a quantity ("3", "2X") is that SKU.
    if (quantity !== undefined && ws.length === 0 && first !== undefined && catalogue.product(first)) {
      return { quantity: 1, words: [first], explicit: false };
    }
    if (quantity !== undefined) {
      while (ws.length > 1 && isGlue(ws[0] ?? '')) ws = ws.slice(1);
    } else {
      const last = ws[ws.length - 1];
      if (last !== undefined && ws.length > 1 && isQuantity(last)) {
        quantity = quantityWord(last);
        ws = ws.slice(0, -1);
        if (ws.length > 1 && isGlue(ws[ws.length - 1] ?? '')) ws = ws.slice(0, -1);
      }
    }
    const kept = ws.filter((w) => isName(w) || !isFiller(w));
    return { quantity: quantity ?? 1, words: kept, explicit: quantity !== undefined };
  }

  /** `X0 2`, `X0 x 2`: a SKU that reads like a quantity, then its quantity (the SKU-first form). */
  const skuThenQuantity = (ws: readonly string[]): boolean =>
    catalogue.product(ws[0] ?? '') !== undefined &&
    isQuantity(ws[ws.length - 1] ?? '') &&
    (ws.length === 2 || (ws.length === 3 && isGlue(ws[1] ?? '')));

  /** `2 X0`, `2 x X0`: a quantity we take, then one SKU; read so before the SKU-first form. */
  const quantityThenSku = (ws: readonly string[]): boolean => {
    const q = quantityWord(ws[0] ?? '') ?? 0;
    const rest = ws.slice(1).filter((w, i) => i > 0 || !isGlue(w));
    return (
      q >= 1 && q <= limits.maxQuantity && rest.length === 1 && catalogue.product(rest[0] ?? '') !== undefined
    );
  };

  /** Whether a written word is one of the catalogue's own (then it is never a filler or a number word). */
  const isName = (word: string): boolean => catalogue.has(stem(word));
  /** Digits are always a quantity where one can stand ("50 bags" stays whole only by fitting whole). */
  const isQuantity = (word: string): boolean =>
    quantityWord(word) !== undefined && (/\d/.test(word) || !isName(word));

  /** Which product(s) these words name (the closest product of words that fit none only when asked). */
  function matchOf(ws: readonly string[], withClosest = true): Fit {
    if (ws.length === 0) return { kind: 'none' };
    const sku = ws.length === 1 ? catalogue.product(ws[0] ?? '') : undefined;
    if (sku) return { kind: 'one', sku: sku.sku };
    const meanings: WordMeaning[] = [];
    for (const w of ws) {
      const m = catalogue.meaning(w);
      if (!m) return none(ws, withClosest);
      meanings.push(m);
    }
    const exact = meanings.every((m) => !m.fuzzy);
    if (exact) {
      const whole = catalogue.named(meanings.map((m) => m.stems[0] ?? ''));
      if (whole.size === 1) return one([...whole][0]);
    }
    const skus = catalogue.fitting(meanings);
    if (skus.size === 1) return one([...skus][0]);
    if (skus.size > 1) return { kind: 'several', options: catalogue.sorted(skus) };
    return none(ws, withClosest);
  }

  /** The one product of a key, with its SKU as stored. */
  const one = (key: string | undefined): Fit => {
    const product = catalogue.product(key ?? '');
    return product ? { kind: 'one', sku: product.sku } : { kind: 'none' };
  };

  function none(ws: readonly string[], withClosest: boolean): Fit {
    const closest = withClosest ? catalogue.closest(ws.join(' ')) : undefined;
    return closest ? { kind: 'none', closest } : { kind: 'none' };
  }

  /** A word that joins two items: "and", "&", or a Hebrew word carrying ו ("ותיק", "וכובע"). */
  const joins = (t: string): boolean =>
    isJoiner(t) || (t.startsWith('ו') && t.length >= 3 && !isName(t) && quantityWord(t) === undefined);

  /** Places where the next item may start: a joining word, or a quantity in the middle. */
  function softBreaks(tokens: readonly string[]): number[] {
    const at: number[] = [];
    for (let i = 1; i < tokens.length; i++) {
      const t = tokens[i] as string;
      if (isQuantity(t) || (!isName(t) && joins(t))) at.push(i);
    }
    return at;
  }

  /** The tokens after a break: "and" dropped, the ו of "ותיק" or "ושני" taken off. */
  function afterBreak(tokens: readonly string[]): string[] {
    const [head, ...rest] = tokens;
    if (head === undefined) return [];
    if (isJoiner(head) && !isName(head)) return rest;
    if (head.startsWith('ו') && !isName(head) && (joins(head) || quantityWord(head) !== undefined)) {
      return [head.replace(/^ו-?/, ''), ...rest];
    }
    return [...tokens];
  }

  const fits = (tokens: readonly string[]) => matchOf(item(tokens).words, false).kind !== 'none';

  /**
   * A chunk as items: whole when it names something, else split at the first break whose left
   * part names something (a Hebrew quantity after the words, "ספל אחד ונר", stays with them);
   * else split at the first joining word, so one unknown phrase does not hide the next item.
   */
  function segment(tokens: readonly string[]): string[][] {
    if (tokens.length === 0) return [];
    const breaks = softBreaks(tokens);
    if (breaks.length === 0 || fits(tokens)) return [[...tokens]];
    const isBreak = new Set(breaks);
    // A left part holding a word the catalogue does not know never fits: no need to try past it.
    const unknown = tokens.findIndex(
      (t) => !isQuantity(t) && !isFiller(t) && !isJoiner(t) && !catalogue.meaning(t),
    );
    for (const b of breaks) {
      if (unknown >= 0 && b > unknown) break;
      const trailing = isQuantity(tokens[b] as string) && (b + 1 === tokens.length || isBreak.has(b + 1));
      const cut = trailing && fits(tokens.slice(0, b + 1)) ? b + 1 : fits(tokens.slice(0, b)) ? b : undefined;
      if (cut !== undefined) return [tokens.slice(0, cut), ...segment(afterBreak(tokens.slice(cut)))];
    }
    const joint = breaks.find((b) => joins(tokens[b] as string));
    if (joint === undefined) return [[...tokens]];
    return [tokens.slice(0, joint), ...segment(afterBreak(tokens.slice(joint)))];
  }

  function read(text: string): OrderReading {
    const totals = new Map<string, number>();
    const questions: OrderQuestion[] = [];
    const unplaced: Unplaced[] = [];
    let tooMuch: OrderReading['tooMuch'];
    for (const chunk of text.split(HARD_BREAKS)) {
      for (const tokens of segment(afterBreak(words(chunk)))) {
        const it = item(tokens);
        if (it.words.length === 0) {
          // A lone filler ("please", "thanks") is no item; a lone number is a phrase we cannot place.
          if (it.explicit) unplaced.push({ phrase: tokens.join(' ') });
          continue;
        }
        const phrase = it.words.join(' ');
        if (it.quantity < 1 || it.quantity > limits.maxQuantity) {
          tooMuch ??= { phrase, quantity: it.quantity };
          continue;
        }
        const found = matchOf(it.words);
        if (found.kind === 'one') totals.set(found.sku, (totals.get(found.sku) ?? 0) + it.quantity);
        else if (found.kind === 'several')
          questions.push({ phrase, quantity: it.quantity, options: found.options });
        else unplaced.push({ phrase, ...(found.closest ? { closest: found.closest } : {}) });
      }
    }
    // The same product twice adds up, and the sum is a quantity too.
    for (const [sku, quantity] of totals) {
      if (quantity > limits.maxQuantity) tooMuch ??= { phrase: sku, quantity };
    }
    const lines = [...totals].map(([sku, quantity]) => ({ sku, quantity }));
    return { lines, questions, unplaced, ...(tooMuch ? { tooMuch } : {}) };
  }

  /**
   * The option a customer's answer picks: its number ("2"), or words that fit exactly one of the
   * options ("the red one", "האדום"). Undefined when the answer picks none or several.
   */
  function choose(question: Pick<OrderQuestion, 'options'>, answer: string): ProductChoice | undefined {
    const n = /^\s*(\d{1,2})\s*[.)]?\s*$/.exec(answer);
    if (n) return question.options[Number(n[1]) - 1];
    const ws = words(answer).filter((w) => !isFiller(w) && !['one', 'אחד', 'אחת'].includes(w.toLowerCase()));
    const meanings = ws.map((w) => catalogue.meaning(w)).filter((m): m is WordMeaning => m !== undefined);
    if (meanings.length === 0) return undefined;
    const skus = catalogue.fitting(meanings);
    const picked = question.options.filter((o) => skus.has(o.sku.toUpperCase()));
    return picked.length === 1 ? picked[0] : undefined;
  }

  return { read, choose, suggest: catalogue.suggest, product: catalogue.product };
}

export type OrderReader = ReturnType<typeof createOrderReader>;

/**
 * The catalogue as order words see it: each product's names (its name, its aliases, its SKU) as
 * stemmed words, and which products each word belongs to. The fuzzy part (a word with a typo
 * finding the catalogue word it meant, and the products closest to a phrase that fits none) is
 * MiniSearch's; this module only feeds it stemmed words. Pure: built from a list of products.
 */
import MiniSearch from 'minisearch';
import { stem, withoutPrefixes, words } from './language.js';

export interface CatalogueProduct {
  sku: string;
  name: string;
  aliases?: readonly string[];
}

/** A product as a reply names it. */
export interface ProductChoice {
  sku: string;
  name: string;
  aliases: readonly string[];
}

/** How a customer's word was found in the catalogue: `fuzzy` when only through a typo. */
export interface WordMeaning {
  stems: string[];
  fuzzy: boolean;
}

/** A word's stems as it is indexed: "t-shirt" is "tshirt", "t" and "shirt". */
function indexedStems(word: string): string[] {
  const joined = stem(word);
  const parts = word.split(/[-._]/).filter(Boolean);
  return parts.length > 1 ? [joined, ...parts.map(stem)] : [joined];
}

/** The key of a whole name: "Logo T-shirt, M" and "logo t-shirts m" are both "logo tshirt m". */
export const nameKey = (ws: readonly string[]): string => ws.map(stem).join(' ');

/** How many words' meanings a catalogue remembers. */
const MAX_REMEMBERED = 10_000;

/** Edits MiniSearch may make to a stem: none under 4 letters, 1 up to 7, 2 from 8. */
const editsFor = (term: string): number => (term.length < 4 ? 0 : term.length < 8 ? 1 : 2);

export function createCatalogue(products: readonly CatalogueProduct[]) {
  const bySku = new Map<string, ProductChoice>();
  /** Stem → the SKUs whose names have it. */
  const vocabulary = new Map<string, Set<string>>();
  /** A whole name's key → the SKUs with that name or alias. */
  const wholeNames = new Map<string, Set<string>>();
  const add = (map: Map<string, Set<string>>, key: string, sku: string) => {
    const set = map.get(key) ?? new Set<string>();
    set.add(sku);
    map.set(key, set);
  };
  const documents: { id: string; text: string }[] = [];
  for (const p of products) {
    // Keyed in upper case (a SKU is found in any case); the choice keeps the SKU as stored.
    const sku = p.sku.toUpperCase();
    const aliases = p.aliases ?? [];
    bySku.set(sku, { sku: p.sku, name: p.name, aliases });
    const names = [p.name, ...aliases, sku];
    for (const name of names) {
      const ws = words(name);
      if (ws.length === 0) continue;
      add(wholeNames, nameKey(ws), sku);
      for (const w of ws) for (const s of indexedStems(w)) add(vocabulary, s, sku);
    }
    documents.push({ id: sku, text: names.join(' ') });
  }

  // The fuzzy part: a typo's nearest catalogue words, and the products nearest a phrase.
  const vocabularyIndex = new MiniSearch<{ id: string }>({
    fields: ['id'],
    tokenize: (text) => [text],
    processTerm: (term) => term,
  });
  vocabularyIndex.addAll([...vocabulary.keys()].map((id) => ({ id })));
  const productIndex = new MiniSearch<{ id: string; text: string }>({
    fields: ['text'],
    tokenize: (text) => words(text).flatMap(indexedStems),
    processTerm: (term) => term,
  });
  productIndex.addAll(documents);

  /**
   * What a customer's word means in this catalogue: the word itself, the word without a Hebrew
   * prefix (ותיק → תיק), two neighbour letters swapped back (bleu → blue), else MiniSearch's
   * nearest words within a typo or two. Undefined: the catalogue has no such word.
   */
  function meaning(word: string): WordMeaning | undefined {
    const key = word.toLowerCase();
    if (meanings.has(key)) return meanings.get(key);
    const found = look(word);
    // Kept for this catalogue's life (a reader is rebuilt as the catalogue changes), within a bound.
    if (meanings.size >= MAX_REMEMBERED) meanings.clear();
    meanings.set(key, found);
    return found;
  }
  const meanings = new Map<string, WordMeaning | undefined>();

  function look(word: string): WordMeaning | undefined {
    const own = stem(word);
    if (vocabulary.has(own)) return { stems: [own], fuzzy: false };
    for (const bare of withoutPrefixes(word)) {
      const s = stem(bare);
      if (vocabulary.has(s)) return { stems: [s], fuzzy: false };
    }
    if (word.length >= 4) {
      for (let i = 0; i + 1 < word.length; i++) {
        const swapped = word.slice(0, i) + word[i + 1] + word[i] + word.slice(i + 2);
        const s = stem(swapped);
        if (vocabulary.has(s)) return { stems: [s], fuzzy: true };
      }
    }
    const near = new Set<string>();
    for (const candidate of [own, ...withoutPrefixes(word).map(stem)]) {
      const edits = editsFor(candidate);
      if (edits === 0) continue;
      for (const hit of vocabularyIndex.search(candidate, { fuzzy: edits, maxFuzzy: edits })) {
        near.add(String(hit.id));
      }
    }
    return near.size ? { stems: [...near], fuzzy: true } : undefined;
  }

  /** The SKUs (in upper case, as `product` finds them) having every one of these meanings among their names. */
  function fitting(meanings: readonly WordMeaning[]): Set<string> {
    let fit: Set<string> | undefined;
    for (const m of meanings) {
      const skus = new Set(m.stems.flatMap((s) => [...(vocabulary.get(s) ?? [])]));
      fit = fit ? new Set([...fit].filter((s) => skus.has(s))) : skus;
      if (fit.size === 0) break;
    }
    return fit ?? new Set();
  }

  /** The products whose whole name or alias is exactly these stems. */
  const named = (stems: readonly string[]): Set<string> => wholeNames.get(stems.join(' ')) ?? new Set();

  /** The product closest to words that fit none, if any shares a word with them. */
  function closest(phrase: string): ProductChoice | undefined {
    const [top] = productIndex.search(phrase, { combineWith: 'OR', fuzzy: (t) => editsFor(t) });
    return top ? bySku.get(String(top.id)) : undefined;
  }

  /** Products as an agent types part of a name or SKU: SKU prefixes first, then MiniSearch's. */
  function suggest(query: string, limit: number): ProductChoice[] {
    const q = query.trim();
    if (!q) return [...bySku.values()].slice(0, limit);
    const upper = q.toUpperCase();
    const out = new Map<string, ProductChoice>();
    for (const [key, p] of bySku) if (key.startsWith(upper)) out.set(p.sku, p);
    const hits = productIndex.search(q, { prefix: true, fuzzy: (t) => editsFor(t), combineWith: 'AND' });
    for (const hit of hits) {
      const p = bySku.get(String(hit.id));
      if (p) out.set(p.sku, p);
    }
    return [...out.values()].slice(0, limit);
  }

  const order = [...bySku.keys()];
  /** SKUs in the catalogue's own order, as a question lists them. */
  const sorted = (skus: Iterable<string>): ProductChoice[] => {
    const set = new Set(skus);
    return order.filter((s) => set.has(s)).map((s) => bySku.get(s) as ProductChoice);
  };

  return {
    product: (sku: string) => bySku.get(sku.toUpperCase()),
    has: (stemmed: string) => vocabulary.has(stemmed),
    meaning,
    fitting,
    named,
    closest,
    suggest,
    sorted,
    size: bySku.size,
  };
}

export type Catalogue = ReturnType<typeof createCatalogue>;

import type { CallDraft } from '../../../src/calls/call.js';
import { type OrderProblem, shortLines } from '../../../src/calls/ivr.js';
import type { Language } from '../../../src/customers/customer.js';
import { formatMoney } from '../../../src/money.js';
import type { OrderReader } from '../../../src/order-words/read.js';
import { orderHints as hintsOf, MAX_HINTS, spokenName, VOICES } from '../../../src/voice/speech.js';
import type { VoiceStep } from './step.js';
import { speak, type VoiceResponse } from './twiml.js';

/**
 * What the steps of option 3 share: the hints for the order said, how a problem is said, and what
 * follows a draft that changed (its next question, or the read-back once stock is checked).
 */

/** A question is answered by one key: at most nine options are offered. */
export const MAX_KEYED_OPTIONS = 9;

/** The catalogue's names and aliases in the caller's language, as <Gather hints>. */
export const orderHints = (reader: OrderReader, lang: Language) =>
  hintsOf(lang, reader.suggest('', MAX_HINTS));

/** A product as the caller hears it; a SKU gone from the catalogue is said as it is. */
const nameOf = (reader: OrderReader, sku: string, lang: Language) => {
  const product = reader.product(sku);
  return product ? spokenName(product, lang) : sku;
};

/** Why the order said was not taken, before it is asked for again. */
export function sayProblem(twiml: VoiceResponse, lang: Language, problem: OrderProblem, reader: OrderReader) {
  switch (problem.kind) {
    case 'no-input':
      return speak(twiml, lang, 'noInput', {});
    case 'not-understood':
      return speak(twiml, lang, 'orderNotUnderstood', {
        ...(problem.phrase ? { phrase: problem.phrase } : {}),
        ...(problem.closest ? { closest: nameOf(reader, problem.closest.sku, lang) } : {}),
      });
    case 'too-much':
      return speak(twiml, lang, 'orderTooMuch', { max: problem.max });
    case 'too-many':
      return speak(twiml, lang, 'orderTooMany', { max: problem.max });
  }
}

/** Lines short of stock, said by name; then the order is asked for again. */
export function sayShort(
  step: VoiceStep,
  twiml: VoiceResponse,
  lang: Language,
  reader: OrderReader,
  short: { sku: string; available: number }[],
): void {
  const lines = short.map((l) => ({ name: nameOf(reader, l.sku, lang), available: l.available }));
  speak(twiml, lang, 'orderShort', { lines });
  step.askOrder(twiml, lang, 0, orderHints(reader, lang), true);
}

/**
 * What follows a draft that changed (or a try that failed, at `tries`): its first question, else
 * the read-back with the total, once every line is checked against the stock available now.
 */
export async function carryOn(
  step: VoiceStep,
  twiml: VoiceResponse,
  sid: string,
  lang: Language,
  tries: number,
  draft: CallDraft,
  reader: OrderReader,
): Promise<void> {
  const [question] = draft.questions;
  if (question) {
    const options = question.options.slice(0, MAX_KEYED_OPTIONS).map((o) => nameOf(reader, o.sku, lang));
    step.askChoice(twiml, lang, tries, draft.rev, { phrase: question.phrase, options });
    return;
  }
  const skus = draft.items.map((i) => i.sku);
  const products = await step.fromDb('price the order said', sid, () => step.inventory.getMany(skus));
  if (!products) {
    speak(twiml, lang, 'unavailable', {});
    step.menu(twiml, lang, 0);
    return;
  }
  const short = shortLines(draft.items, products);
  if (short.length > 0) return sayShort(step, twiml, lang, reader, short);
  const price = new Map(products.map((p) => [p.sku, p.price]));
  const total = draft.items.reduce((sum, i) => sum + (price.get(i.sku) ?? 0) * i.quantity, 0);
  step.readBack(twiml, lang, tries, draft.rev, {
    lines: draft.items.map((i) => ({ quantity: i.quantity, name: nameOf(reader, i.sku, lang) })),
    total: formatMoney(total, step.config.currency, VOICES[lang].language),
  });
}

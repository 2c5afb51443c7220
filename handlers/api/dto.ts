import { type Call, outcomeOf } from '../../src/calls/call.js';
import { leadTimeOf } from '../../src/inventory/cover.js';
import type { Product } from '../../src/inventory/product.js';
import type { TaxDocument } from '../../src/invoices/document.js';
import { allowedActions } from '../../src/orders/lifecycle.js';
import type { Order } from '../../src/orders/order.js';

/** What the API shows of a product: never the reservation ledger. */
export function productDto(p: Product, currency: string) {
  return {
    sku: p.sku,
    name: p.name,
    aliases: p.aliases ?? [],
    price: p.price,
    currency,
    onHand: p.onHand,
    reserved: p.reserved,
    available: p.available,
    lowStockThreshold: p.lowStockThreshold,
    leadTimeDays: leadTimeOf(p),
    createdAt: p.createdAt,
    updatedAt: p.updatedAt,
  };
}

export function orderDto(o: Order) {
  return {
    number: o.number,
    status: o.status,
    channel: o.channel,
    externalId: o.externalId ?? null,
    customer: {
      name: o.customer.name,
      phone: o.customer.phone,
      email: o.customer.email ?? null,
      language: o.customer.language ?? null,
    },
    items: o.items.map((i) => ({
      sku: i.sku,
      name: i.name,
      quantity: i.quantity,
      unitPrice: i.unitPrice,
      lineTotal: i.lineTotal,
    })),
    total: o.total,
    currency: o.currency,
    shippingAddress: o.shippingAddress ?? null,
    notes: o.notes ?? null,
    shipment: o.shipment?.carrier
      ? {
          carrier: o.shipment.carrier,
          trackingNumber: o.shipment.trackingNumber,
          shippedAt: o.shipment.shippedAt,
        }
      : null,
    invoice: o.invoice?.number
      ? { number: o.invoice.number, issuedAt: o.invoice.issuedAt, url: `/api/v1/orders/${o.number}/invoice` }
      : null,
    creditNote: o.creditNote?.number
      ? {
          number: o.creditNote.number,
          issuedAt: o.creditNote.issuedAt,
          url: `/api/v1/orders/${o.number}/credit-note`,
        }
      : null,
    rating: o.rating?.score ? { score: o.rating.score, at: o.rating.at } : null,
    customerUpdateFailures: (o.smsFailures ?? []).map((f) => ({ kind: f.kind, at: f.at, error: f.error })),
    calls: (o.calls ?? []).map((c) => ({ sid: c.sid, at: c.at, why: c.why, url: `/api/v1/calls/${c.sid}` })),
    allowedActions: allowedActions(o.status),
    history: o.history.map((h) => ({
      at: h.at,
      action: h.action,
      from: h.from ?? null,
      to: h.to,
      by: h.by,
      channel: h.channel,
      note: h.note ?? null,
    })),
    createdAt: o.createdAt,
    updatedAt: o.updatedAt,
  };
}

/** A call of the log: who called, what they did in the menu, how it ended, which orders it concerned. */
export function callDto(c: Call) {
  return {
    sid: c.sid,
    from: c.from,
    customer: c.customer ? { phone: c.customer.phone, name: c.customer.name ?? null } : null,
    language: c.language,
    startedAt: c.startedAt,
    endedAt: c.endedAt ?? null,
    duration: c.duration ?? null,
    status: c.status,
    path: c.path,
    outcome: outcomeOf(c),
    orders: c.orders,
    agent: c.agent
      ? { number: c.agent.number, status: c.agent.status ?? null, duration: c.agent.duration ?? null }
      : null,
    voicemail: c.voicemail
      ? {
          recordingUrl: c.voicemail.url,
          duration: c.voicemail.duration ?? null,
          transcription: c.voicemail.transcription ?? null,
          transcriptionStatus: c.voicemail.transcriptionStatus ?? null,
        }
      : null,
  };
}

/** An invoice or credit note as issued (frozen): the README's `number`, `issuedAt`, `issuer`, `lines`, `subtotal`, `tax`, `total`. */
export function documentDto(d: TaxDocument) {
  return {
    kind: d.kind,
    number: d.number,
    issuedAt: d.issuedAt,
    ...(d.refersTo ? { refersTo: { invoice: d.refersTo.invoice, issuedAt: d.refersTo.issuedAt } } : {}),
    order: d.order,
    language: d.language,
    currency: d.currency,
    issuer: d.issuer,
    customer: {
      name: d.customer.name,
      phone: d.customer.phone,
      email: d.customer.email ?? null,
      address: d.customer.address ?? null,
    },
    lines: d.lines.map((l) => ({
      sku: l.sku,
      name: l.name,
      quantity: l.quantity,
      unitPrice: l.unitPrice,
      net: l.net,
      tax: l.tax,
      gross: l.gross,
    })),
    subtotal: d.subtotal,
    tax: d.tax,
    total: d.total,
    pricesIncludeTax: d.pricesIncludeTax,
  };
}

/** Every object anywhere in a Block Kit output, so checks do not depend on where a block sits. */
export function walk(node: unknown, visit: (o: Record<string, any>) => void): void {
  if (Array.isArray(node)) for (const n of node) walk(n, visit);
  else if (node && typeof node === 'object') {
    visit(node as Record<string, any>);
    for (const v of Object.values(node)) walk(v, visit);
  }
}

/** Every button in the output. */
export function buttons(out: unknown): Record<string, any>[] {
  const found: Record<string, any>[] = [];
  walk(out, (o) => o.type === 'button' && found.push(o));
  return found;
}

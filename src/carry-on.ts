/**
 * Work a door carries on after it has answered: Slack's listeners after their acknowledgement, a
 * text answered late, the record of a reply. Nothing waits for it in the request, so it is kept
 * here: a shutdown waits for it before closing the database, and tests wait for it before checking
 * that nothing more happened.
 */
export function createCarryOn() {
  const running = new Set<Promise<unknown>>();
  return {
    /** Keeps `work` until it settles (it handles its own errors; a rejection is only dropped here). */
    carry<T>(work: Promise<T>): Promise<T> {
      const kept = work.then(
        () => undefined,
        () => undefined,
      );
      running.add(kept);
      void kept.then(() => running.delete(kept));
      return work;
    },
    /** How much is carried on now. */
    size: () => running.size,
    /** Resolves once nothing is carried on, work started by that work included. */
    async idle(): Promise<void> {
      while (running.size > 0) await Promise.all([...running]);
    },
  };
}

export type CarryOn = ReturnType<typeof createCarryOn>;

import type { BoardEntry, OrderBoardRepository } from '../../models/order-board.js';

/** How far one run of a sweep walks the board, and in what steps. */
export interface WalkLimits {
  /** Entries read per step (one board read, then the orders by `_id: {$in}`). */
  batch: number;
  /** Entries one run visits at most: its cost, whatever the size of the board. */
  max: number;
}

/**
 * A sweep's walk round the order board by order number (its `_id`), in bounded steps: each run
 * starts where the last one stopped, goes to the end, comes round to the lowest number and stops
 * where it began or after `max` entries. So a run's cost is bounded, and every entry is visited
 * within a few runs however many there are (with fewer than `max`, every run visits them all, the
 * lowest, oldest orders first). The position is this process's; a new process starts at the lowest.
 */
export function createBoardWalk(
  board: Pick<OrderBoardRepository, 'page'>,
  statuses?: readonly BoardEntry['status'][],
) {
  let cursor = 0;

  async function* run(limits: WalkLimits): AsyncGenerator<BoardEntry[]> {
    const start = cursor;
    // Each run keeps its own position (two runs at once each cover the whole round).
    let pos = start;
    let wrapped = start === 0;
    let seen = 0;
    try {
      while (seen < limits.max) {
        const limit = Math.max(1, Math.min(limits.batch, limits.max - seen));
        const entries = await board.page(pos, limit, statuses);
        const inRound = wrapped && start > 0 ? entries.filter((e) => e.number <= start) : entries;
        if (inRound.length > 0) {
          seen += inRound.length;
          pos = (inRound.at(-1) as BoardEntry).number;
          yield inRound;
        }
        // Back where this run began: the round is done.
        if (inRound.length < entries.length) return;
        if (entries.length < limit) {
          pos = 0;
          if (wrapped) return;
          wrapped = true;
        }
      }
    } finally {
      cursor = pos;
    }
  }

  return { run };
}

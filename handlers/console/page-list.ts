import type { Router } from 'express';
import type { Deps } from '../../src/services.js';
import type { ConsoleKit } from './kit.js';

/** The console's pages beyond the board and the order (each in its own file, given the kit). */
export const CONSOLE_PAGES: ((deps: Deps, kit: ConsoleKit) => Router)[] = [];

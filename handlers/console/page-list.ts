import type { Router } from 'express';
import type { Deps } from '../../src/services.js';
import { customerPage } from './customer.js';
import type { ConsoleKit } from './kit.js';
import { operationsPage } from './operations.js';
import { phonePage } from './phone.js';
import { reportsPage } from './reports.js';
import { stockPage } from './stock.js';

/** The console's pages beyond the board and the order (each in its own file, given the kit). */
export const CONSOLE_PAGES: ((deps: Deps, kit: ConsoleKit) => Router)[] = [
  customerPage,
  operationsPage,
  phonePage,
  reportsPage,
  stockPage,
];

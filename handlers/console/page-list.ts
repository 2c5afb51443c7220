import type { Router } from 'express';
import type { Deps } from '../../src/services.js';
import { boardRouter } from './board.js';
import { customerPage } from './customer.js';
import type { ConsoleKit } from './kit.js';
import { operationsPage } from './operations.js';
import { orderRouter } from './order.js';
import { phonePage } from './phone.js';
import { reportsPage } from './reports.js';
import { stockPage } from './stock.js';

/** The console's pages, each in its own file, given the kit (sign-in and sessions stay in index.ts). */
export const CONSOLE_PAGES: ((deps: Deps, kit: ConsoleKit) => Router)[] = [
  boardRouter,
  orderRouter,
  customerPage,
  operationsPage,
  phonePage,
  reportsPage,
  stockPage,
];

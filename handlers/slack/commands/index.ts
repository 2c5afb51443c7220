import type { App } from '@slack/bolt';
import type { Deps } from '../../../src/services.js';
import { orderCommand } from './order.js';
import { stockCommand } from './stock.js';

export function registerCommands(app: App, deps: Deps): void {
  app.command('/order', orderCommand(deps));
  app.command('/stock', stockCommand(deps));
}

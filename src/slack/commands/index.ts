import type { App } from '@slack/bolt';
import type { Services } from '../../services.js';
import { COMMAND } from '../../../blocks/ids.js';
import { hypothesisCommand } from './hypothesis.js';

export function registerCommands(app: App, services: Services): void {
  app.command(COMMAND, hypothesisCommand(services));
}

/**
 * The ack benchmark's baseline, run as its own process: Bolt on its HTTP receiver with the
 * listeners Labbook's benchmarked requests reach, each only acking. Prints its port.
 */
import { App, HTTPReceiver, LogLevel } from '@slack/bolt';
import type { Server } from 'node:http';
import { COMMAND, ids } from '../blocks/ids.js';

const receiver = new HTTPReceiver({
  signingSecret: process.env.SLACK_SIGNING_SECRET!,
  logLevel: LogLevel.ERROR,
});
const app = new App({
  token: process.env.SLACK_BOT_TOKEN!,
  botId: 'B0',
  botUserId: 'U0',
  receiver,
  logLevel: LogLevel.ERROR,
  clientOptions: { slackApiUrl: process.env.SLACK_API_URL! },
});
app.command(COMMAND, async ({ ack }) => ack());
app.view(ids.hypothesis.newModal, async ({ ack }) => ack());
const server = (await app.start(0)) as Server;
const address = server.address();
process.stdout.write(`listening ${typeof address === 'object' && address ? address.port : 0}\n`);
process.on('SIGTERM', () => void app.stop().then(() => process.exit(0)));

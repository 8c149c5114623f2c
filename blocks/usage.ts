import type { KnownBlock } from '@slack/types';
import { escapeMrkdwn, truncate } from './text.js';

export interface Subcommand {
  name: string;
  args?: string;
  summary: string;
}

export interface UsageMessage {
  text: string;
  blocks: KnownBlock[];
}

/** The help answer; `unknown` is what the person typed when it was not a subcommand. */
export function usageMessage(
  command: string,
  subcommands: readonly Subcommand[],
  unknown?: string,
): UsageMessage {
  const lines = subcommands.map(
    (s) => `• \`${command} ${s.name}${s.args ? ` ${s.args}` : ''}\` — ${s.summary}`,
  );
  const intro = unknown
    ? `I don't know \`${truncate(escapeMrkdwn(unknown), 60)}\`. Here is what \`${command}\` can do:`
    : `*Labbook* keeps your team's experiments honest: a plan before the work, a timebox, a check-in, a log. Here is what \`${command}\` can do:`;
  return {
    text: unknown ? `Unknown subcommand. Try ${command} help.` : `How to use ${command}`,
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: intro } },
      { type: 'section', text: { type: 'mrkdwn', text: truncate(lines.join('\n'), 3000) } },
      {
        type: 'context',
        elements: [
          {
            type: 'mrkdwn',
            text: 'A hypothesis says "method A will improve metric B by X% over the baseline", with a timebox. When the time is up, its owner gets a check-in.',
          },
        ],
      },
    ],
  };
}

import manifest from '../../manifest.json' with { type: 'json' };
import type { MessageShortcutInfo, SlashCommandInfo } from './api.js';

/**
 * What the app declares in manifest.json that the sandbox's Slack offers people: its slash
 * commands (the composer sends them) and message shortcuts (each message's menu). Read
 * from the manifest so the sandbox offers exactly what a workspace would.
 */
interface Features {
  slash_commands?: { command: string; description?: string; usage_hint?: string }[];
  shortcuts?: { name: string; type: string; callback_id: string }[];
}

const features = (manifest as { features?: Features }).features ?? {};

export const slashCommands: SlashCommandInfo[] = (features.slash_commands ?? []).map((c) => ({
  command: c.command,
  description: c.description ?? '',
  usageHint: c.usage_hint ?? '',
}));

export const messageShortcuts: MessageShortcutInfo[] = (features.shortcuts ?? [])
  .filter((s) => s.type === 'message')
  .map((s) => ({ callbackId: s.callback_id, name: s.name }));

import type { ModalView } from '@slack/types';
import type { WebClient } from '@slack/web-api';
import { z } from 'zod';
import type { Logger } from '../../logger.js';

const Blocks = z.array(z.looseObject({ block_id: z.string().optional() }));
export type ViewBlock = z.infer<typeof Blocks>[number];

/**
 * Sends a modal back to Slack as it was, with its blocks changed by `change`. Input blocks
 * keep their block_id and action_id, so Slack keeps whatever the person typed; the hash
 * makes a redraw from an older keystroke lose to a newer one instead of undoing it.
 */
export async function redrawView(
  client: WebClient,
  logger: Logger,
  original: { id: string; hash?: string | undefined; blocks?: unknown } & Record<string, unknown>,
  change: (blocks: ViewBlock[]) => ViewBlock[],
): Promise<void> {
  const blocks = Blocks.safeParse(original.blocks);
  if (!blocks.success) return;
  const view = {
    type: 'modal' as const,
    callback_id: String(original.callback_id),
    title: original.title,
    submit: original.submit,
    close: original.close,
    private_metadata: String(original.private_metadata ?? ''),
    blocks: change(blocks.data),
  } as unknown as ModalView; // Slack's own view, handed back with some blocks changed
  await client.views
    .update({ view_id: original.id, ...(original.hash ? { hash: original.hash } : {}), view })
    .catch(
      // A stale hash means the person acted again; that newer action brings its own update.
      (error: unknown) => logger.debug('view not redrawn', { error: String(error) }),
    );
}

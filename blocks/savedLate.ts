import type { ModalView } from '@slack/types';
import { md, plain } from './text.js';

/**
 * What a form turns into when saving it took longer than Slack waits (3 s): Slack has
 * shown the person an error over the form, which is still open, although everything was
 * saved. Submitting it again would save it twice, so the form says so and offers no submit.
 */
export function savedLateModal(title: string): ModalView {
  return {
    type: 'modal',
    title: plain(title || 'Saved', 24),
    close: plain('Close', 24),
    blocks: [
      {
        type: 'section',
        text: md(
          ':white_check_mark: *Saved.* Slack stopped waiting while I was saving this, so it may have shown an error: everything you submitted is kept, and there is no need to submit it again.',
        ),
      },
    ],
  };
}

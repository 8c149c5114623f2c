import type { ModalView } from '@slack/types';
import type { WebClient } from '@slack/web-api';
import { tell } from '../tell.js';

/** What a modal submission flow decides: the ack's body, and the work that follows it. */
export interface FlowResult {
  /** The body of the view_submission ack: inline errors, or a view to show next. */
  response?:
    | { response_action: 'errors'; errors: Record<string, string> }
    | { response_action: 'update'; view: ModalView };
  /** Work done after the ack (posting cards, refreshing Home). */
  after?: () => Promise<void>;
}

/** Inline errors under the offending inputs; the modal stays open with what was typed. */
export function errorsResponse(errors: Partial<Record<string, string>>): FlowResult {
  return {
    response: {
      response_action: 'errors',
      errors: Object.fromEntries(
        Object.entries(errors).filter((e): e is [string, string] => typeof e[1] === 'string'),
      ),
    },
  };
}

/** A form whose hidden metadata no longer makes sense (an old modal, a tampered payload). */
export function staleForm(client: WebClient, userId: string, what: string): FlowResult {
  return { after: () => tell({ client, userId }, { text: `That form is out of date; open ${what} again.` }) };
}

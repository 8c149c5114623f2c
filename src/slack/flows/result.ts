import type { ModalView } from '@slack/types';
import type { WebClient } from '@slack/web-api';
import type { z } from 'zod';
import { validateForm } from '../../rituals/forms.js';
import { parseJson, readViewState, type ViewSubmissionPayload } from '../payloads.js';
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

export type Submission<M, F> =
  { ok: true; teamId: string; actor: string; meta: M; form: F } | { ok: false; result: FlowResult };

/**
 * The two checks every modal submission starts with: the hidden metadata still makes
 * sense (else the form is stale), and the typed values pass their schema (else inline
 * errors).
 */
export function readSubmission<MS extends z.ZodType, FS extends z.ZodType>(
  client: WebClient,
  payload: ViewSubmissionPayload,
  schemas: { meta: MS; form: FS; what: string },
): Submission<z.output<MS>, z.output<FS>> {
  const actor = payload.user.id;
  const meta = parseJson(schemas.meta, payload.view.private_metadata);
  if (meta === undefined) return { ok: false, result: staleForm(client, actor, schemas.what) };
  const form = validateForm(schemas.form, readViewState(payload.view.state.values));
  if (!form.ok) return { ok: false, result: errorsResponse(form.errors) };
  return { ok: true, teamId: payload.team.id, actor, meta, form: form.value };
}

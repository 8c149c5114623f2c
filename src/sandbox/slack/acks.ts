import { findViewProblems, type Problem } from './blockKitLimits.js';

/**
 * What Slack checks in the body an app acknowledges a view_submission with, before it
 * touches the person's modal: `update` and `push` carry a view held to the same Block Kit
 * limits as views.update / views.push, and `errors` may only name input blocks of the view
 * that was submitted (Slack shows nothing for any other key, and refuses the whole answer).
 * An empty body, or one without response_action, closes the modal.
 */
const ACTIONS = new Set(['errors', 'update', 'push', 'clear']);

export function findAckProblems(submitted: unknown, body: unknown): Problem[] {
  if (!isObj(body) || body.response_action === undefined) return [];
  const action = body.response_action;
  if (typeof action !== 'string' || !ACTIONS.has(action))
    return [problem('response_action', `unknown response_action ${JSON.stringify(action)}`)];
  if (action === 'update' || action === 'push')
    return findViewProblems(body.view, 'modal').map((p) => ({ ...p, path: `view.${p.path}` }));
  if (action === 'errors') return errorsProblems(submitted, body.errors);
  return [];
}

function errorsProblems(submitted: unknown, errors: unknown): Problem[] {
  if (!isObj(errors) || Object.keys(errors).length === 0)
    return [problem('errors', 'response_action errors needs a non-empty errors object')];
  const inputs = inputBlockIds(submitted);
  const out: Problem[] = [];
  for (const [key, message] of Object.entries(errors)) {
    if (!inputs.has(key))
      out.push(
        problem(
          `errors.${key}`,
          `"${key}" is not the block_id of an input block of the submitted view (inputs: ${[...inputs].join(', ') || 'none'})`,
        ),
      );
    else if (typeof message !== 'string' || message.length === 0)
      out.push(problem(`errors.${key}`, 'an error must be a non-empty string'));
  }
  return out;
}

function inputBlockIds(view: unknown): Set<string> {
  const blocks = isObj(view) && Array.isArray(view.blocks) ? view.blocks : [];
  return new Set(
    blocks
      .filter((b): b is Record<string, unknown> => isObj(b) && b.type === 'input')
      .map((b) => String(b.block_id ?? '')),
  );
}

const problem = (path: string, message: string): Problem => ({ rule: 'view_submission.ack', path, message });

const isObj = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

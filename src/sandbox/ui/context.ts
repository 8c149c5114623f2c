import type { ActionRequest } from '../api.js';
import type { ConfirmObject } from './kit.js';
import type { MrkdwnContext } from './mrkdwn.js';
import type { Form } from './form.js';

/** What a person did to an interactive element: the block_actions Slack would build from it. */
export type ElementAction = Omit<ActionRequest, 'as' | 'container' | 'state'> & {
  /** The element's type (button, static_select…), for the page's own bookkeeping. */
  type: string;
};

export interface Person {
  id: string;
  name: string;
}

export interface Channel {
  id: string;
  name: string;
}

/**
 * Everything a Block Kit renderer needs besides the JSON: who the names are, the viewer's zone,
 * and what to do when an element is used. Renderers stay pure: same JSON + context, same DOM.
 */
export interface RenderContext extends MrkdwnContext {
  people: readonly Person[];
  channels: readonly Channel[];
  /** The element was pressed, picked or typed into (dispatch_action). */
  onAction(action: ElementAction): void;
  /** Asks a confirm object's question; resolves true when the person confirms. */
  confirm(confirm: ConfirmObject): Promise<boolean>;
  /** Where an image's bytes are: a slack_file id or a URL. */
  imageUrl(src: { url?: string; fileId?: string }): string;
  /** The modal's form, when rendering a view's input blocks. */
  form?: Form;
  /** Per-block errors from a `response_action: errors`. */
  errors?: Readonly<Record<string, string>>;
}

import type {
  AllMiddlewareArgs,
  App,
  SlackActionMiddlewareArgs,
  SlackEventMiddlewareArgs,
  SlackViewMiddlewareArgs,
  ViewSubmitAction,
} from '@slack/bolt';

export type ActionListener = (args: SlackActionMiddlewareArgs & AllMiddlewareArgs) => Promise<void>;
export type EventListener<T extends string = string> = (
  args: SlackEventMiddlewareArgs<T> & AllMiddlewareArgs,
) => Promise<void>;
export type ViewListener = (
  args: SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs,
) => Promise<void>;

/** Where buttons, menus and form submissions find their listener, by action or callback id. */
export interface Routes {
  action(actionId: string, listener: ActionListener): void;
  /** For action ids that carry a suffix (the section a button edits, the page it shows). */
  actionsStartingWith(prefix: string, listener: ActionListener): void;
  view(callbackId: string, listener: ViewListener): void;
  /** Events API events, by type (`app_home_opened`, `message`, …). */
  event<T extends string>(type: T, listener: EventListener<T>): void;
}

/**
 * Bolt runs every registered listener's middleware for every request (App.processEvent maps
 * over all of them, each chain copying the request's arguments), so the nearly sixty buttons
 * and forms Labbook registered one by one cost every request as many middleware chains before
 * the one it was for could ack: a large part of what an ack cost over a bare Bolt app.
 * Buttons, forms and events are one Bolt listener each here, and the id (or the event's
 * type) picks the listener from a map. An id nobody registered reaches no listener and is
 * left unacknowledged, as Bolt would leave it, for the gate to answer.
 */
export function routesOn(app: App): Routes {
  const actions = new Table<ActionListener>('action');
  const views = new Table<ViewListener>('view');
  const events = new Table<EventListener>('event');
  app.action(/.*/, async (args) => {
    const id = 'action_id' in args.action ? args.action.action_id : undefined;
    const listener = id === undefined ? undefined : actions.find(id);
    if (listener) await listener(args);
  });
  app.view(/.*/, async (args) => {
    const listener = views.find(args.view.callback_id);
    // The pattern alone matches only view_submission (Bolt's default type for app.view).
    if (listener) await listener(args as SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs);
  });
  app.event(/.*/, async (args) => {
    const listener = events.find(args.event.type);
    if (listener) await listener(args);
  });
  return {
    action: (id, listener) => actions.add(id, listener),
    actionsStartingWith: (prefix, listener) => actions.addPrefix(prefix, listener),
    view: (id, listener) => views.add(id, listener),
    // A listener for one type gets that type's payload; the map keeps them all alike.
    event: (type, listener) => events.add(type, listener as unknown as EventListener),
  };
}

class Table<L> {
  private readonly exact = new Map<string, L>();
  private readonly prefixes: [string, L][] = [];

  constructor(private readonly kind: string) {}

  add(id: string, listener: L): void {
    // Bolt would have run both; one id, one meaning.
    if (this.exact.has(id)) throw new Error(`two ${this.kind} listeners for ${id}`);
    this.exact.set(id, listener);
  }

  addPrefix(prefix: string, listener: L): void {
    this.prefixes.push([prefix, listener]);
  }

  find(id: string): L | undefined {
    return this.exact.get(id) ?? this.prefixes.find(([prefix]) => id.startsWith(prefix))?.[1];
  }
}

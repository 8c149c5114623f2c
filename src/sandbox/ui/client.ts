import type {
  ActionRequest,
  ActResult,
  ApiError,
  ClockRequest,
  ClockState,
  ComposerRequest,
  Conversation,
  FormValues,
  HomeTab,
  ModalStack,
  SandboxEvent,
  SandboxEventType,
  ShortcutRequest,
  SubmitResult,
  Thread,
  Workspace,
} from '../api.js';

/** The sandbox API, and nothing else: the page is one of its clients, as the tests are. */
const BASE = '/sandbox/api/';

export class ApiFailure extends Error {
  constructor(
    readonly status: number,
    readonly body: ApiError,
  ) {
    super(body.message);
  }
}

async function call<T>(path: string, init?: { method: 'POST'; body: unknown }): Promise<T> {
  const res = await fetch(BASE + path, {
    method: init?.method ?? 'GET',
    headers: init ? { 'content-type': 'application/json' } : {},
    body: init ? JSON.stringify(init.body) : undefined,
  });
  const text = await res.text();
  const json: unknown = text ? JSON.parse(text) : null;
  if (!res.ok) {
    const body = (json ?? {}) as Partial<ApiError>;
    throw new ApiFailure(res.status, {
      error: body.error ?? `http_${res.status}`,
      message: body.message ?? `The sandbox answered ${res.status}.`,
      ...(body.blockId ? { blockId: body.blockId } : {}),
    });
  }
  return json as T;
}

const q = (as: string): string => `as=${encodeURIComponent(as)}`;
const post = <T>(path: string, body: unknown): Promise<T> => call<T>(path, { method: 'POST', body });

export const api = {
  workspace: () => call<Workspace>('workspace'),
  conversation: (channel: string, as: string, before?: string) =>
    call<Conversation>(
      `conversations/${encodeURIComponent(channel)}?${q(as)}${before ? `&before=${encodeURIComponent(before)}` : ''}`,
    ),
  replies: (channel: string, ts: string, as: string) =>
    call<Thread>(`conversations/${encodeURIComponent(channel)}/replies/${encodeURIComponent(ts)}?${q(as)}`),
  home: (as: string) => call<HomeTab>(`home?${q(as)}`),
  /** The person opened their Home tab: Slack sends the app app_home_opened. */
  homeOpened: (as: string) => post<ActResult>('home/opened', { as }),
  modal: (as: string) => call<ModalStack>(`modal?${q(as)}`),
  composer: (body: ComposerRequest) => post<ActResult>('composer', body),
  action: (body: ActionRequest) => post<ActResult>('actions', body),
  submit: (viewId: string, as: string, values: FormValues) =>
    post<SubmitResult>(`views/${encodeURIComponent(viewId)}/submit`, { as, values }),
  close: (viewId: string, as: string) => post<ActResult>(`views/${encodeURIComponent(viewId)}/close`, { as }),
  shortcut: (body: ShortcutRequest) => post<ActResult>('shortcuts', body),
  clock: (body: ClockRequest) => post<ClockState>('clock', body),
  reset: () => post<unknown>('reset', {}),
};

const EVENT_TYPES: SandboxEventType[] = [
  'message.new',
  'message.update',
  'message.delete',
  'ephemeral.new',
  'view.open',
  'view.update',
  'view.close',
  'home.publish',
  'file.new',
  'file.delete',
  'refused',
  'notice',
  'clock',
  'reset',
];

/**
 * The event stream. EventSource reconnects by itself; `onOpen` runs on every (re)connection
 * after the first, so the page can refetch everything it may have missed.
 */
export function subscribe(handlers: {
  onEvent(e: SandboxEvent): void;
  onReconnect(): void;
  onState(connected: boolean): void;
}): EventSource {
  const source = new EventSource(`${BASE}events`);
  let opened = false;
  source.addEventListener('open', () => {
    handlers.onState(true);
    if (opened) handlers.onReconnect();
    opened = true;
  });
  source.addEventListener('error', () => handlers.onState(false));
  for (const type of EVENT_TYPES)
    source.addEventListener(type, (m) => {
      const data: unknown = JSON.parse((m as MessageEvent<string>).data || '{}');
      handlers.onEvent({ type, data } as SandboxEvent);
    });
  return source;
}

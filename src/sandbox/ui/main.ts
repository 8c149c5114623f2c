import './style.css';
import type { Channel, Conversation, Message, ModalStack, SandboxEvent, Workspace } from '../api.js';
import { renderBlocks, confirmParts } from './blocks.js';
import { api, ApiFailure, subscribe } from './client.js';
import type { ElementAction, RenderContext } from './context.js';
import { askConfirm } from './dialog.js';
import { h } from './dom.js';
import type { Form } from './form.js';
import type { Block, View } from './kit.js';
import { MessageList, type MessageContext } from './messages.js';
import { ModalHost } from './modal.js';
import { Shell } from './shell.js';

/**
 * The sandbox page: a client of /sandbox/api only. It keeps which person it acts as and where
 * they look, renders what the API returns, sends what the person does, and refetches what
 * each event names (everything after a reconnect).
 */
interface Place {
  as: string;
  /** A channel or DM id, or 'home' for the Home tab. */
  channel: string;
  thread: { channel: string; ts: string } | null;
}

let ws: Workspace;
const place: Place = { as: 'U0ADA', channel: 'C0RANKING', thread: null };
let clockNow = new Date();
let conversation: Conversation | null = null;
let homeViewId: string | null = null;

const shell = new Shell(document.body);

const person = (id: string) => ws.people.find((p) => p.id === id);
const viewer = () => person(place.as);
const tz = (): string => viewer()?.tz ?? 'UTC';
const dmOf = (userId: string): Channel | undefined =>
  ws.channels.find((c) => c.kind === 'dm' && c.user === userId);
const channelLabel = (c: Channel): string => (c.kind === 'dm' ? ws.bot.name : `#${c.name}`);

/** The render context every surface shares; onAction says where the element lives. */
function baseContext(onAction: (a: ElementAction) => void, form?: Form): RenderContext {
  return {
    tz: tz(),
    now: () => clockNow,
    people: ws.people,
    channels: ws.channels.filter((c) => c.kind === 'channel'),
    personName: (id) => (id === ws.bot.id ? ws.bot.name : person(id)?.name),
    channelName: (id) => {
      const c = ws.channels.find((x) => x.id === id);
      return c ? (c.kind === 'dm' ? ws.bot.name : c.name) : undefined;
    },
    onAction,
    confirm: (c) => askConfirm(confirmParts(c, baseContext(onAction))),
    imageUrl: ({ url, fileId }) =>
      fileId ? `/sandbox/api/files/${encodeURIComponent(fileId)}` : (url ?? ''),
    ...(form ? { form } : {}),
  };
}

// ---- doing things --------------------------------------------------------------------------

/** Runs a request; a refusal or a failure becomes a notice the person can read. */
async function attempt<T>(work: () => Promise<T>, where?: HTMLElement): Promise<T | undefined> {
  try {
    const result = await work();
    const notice = (result as { notice?: string } | undefined)?.notice;
    if (notice) shell.toast(notice, 'error');
    return result;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (where) shell.inlineError(where, message);
    else shell.toast(message, 'error');
    return undefined;
  }
}

function messageAction(m: Message, channel: string) {
  return (a: ElementAction): void => {
    const { type: _type, ...rest } = a;
    void attempt(() => api.action({ as: place.as, container: { channel, ts: m.ts }, ...rest }));
  };
}

function viewAction(viewId: string, form?: Form) {
  return (a: ElementAction): void => {
    const { type: _type, ...rest } = a;
    void attempt(() =>
      api.action({
        as: place.as,
        container: { viewId },
        ...rest,
        ...(form ? { state: form.values() } : {}),
      }),
    );
  };
}

function messageContext(channel: () => string, inThread: boolean): MessageContext {
  return {
    ctxFor: (m) => baseContext(messageAction(m, channel())),
    authorName: (m) => (m.botId || m.user === ws.bot.id ? ws.bot.name : (person(m.user)?.name ?? m.user)),
    isBot: (m) => !!m.botId || m.user === ws.bot.id,
    menu: (m) => [
      ...(inThread ? [] : [{ label: 'Reply in thread', run: () => openThread(channel(), m.ts) }]),
      ...ws.messageShortcuts.map((s) => ({
        label: s.name,
        run: () =>
          void attempt(() =>
            api.shortcut({ as: place.as, channel: channel(), ts: m.ts, callbackId: s.callbackId }),
          ),
      })),
    ],
    ...(inThread ? {} : { openThread: (m: Message) => openThread(channel(), m.ts) }),
  };
}

const mainList = new MessageList(
  shell.messages,
  messageContext(() => place.channel, false),
);
const threadList = new MessageList(
  shell.threadMessages,
  messageContext(() => place.thread?.channel ?? place.channel, true),
  false,
);

const modals = new ModalHost(shell.modalHost, {
  ctxFor: (view: View, form: Form) => baseContext(viewAction(view.id ?? '', form), form),
  submit: async (viewId, values, form) => {
    try {
      const result = await api.submit(viewId, place.as, values);
      if (result.errors) form.showErrors(result.errors);
      if (result.notice) return result.notice;
      await refreshModal();
      return null;
    } catch (error) {
      if (error instanceof ApiFailure && error.body.blockId) {
        form.showErrors({ [error.body.blockId]: error.body.message });
        return null;
      }
      return error instanceof Error ? error.message : String(error);
    }
  },
  onOpenChange: (open) => shell.setInert(open),
  close: (viewId) => {
    modals.hide();
    void attempt(() => api.close(viewId, place.as)).then(() => refreshModal());
  },
});

async function send(text: string, threadTs: string | undefined, where: HTMLElement): Promise<boolean> {
  const channel = threadTs ? (place.thread?.channel ?? place.channel) : place.channel;
  const result = await attempt(
    () => api.composer({ as: place.as, channel, text, ...(threadTs ? { threadTs } : {}) }),
    where,
  );
  return result !== undefined;
}

// ---- fetching what there is to see ---------------------------------------------------------

let conversationSeq = 0;
async function refreshConversation(opts: { scroll?: 'bottom' | 'keep' } = {}): Promise<void> {
  if (place.channel === 'home') return refreshHome();
  const seq = ++conversationSeq;
  const channel = place.channel;
  const data = await api.conversation(channel, place.as);
  if (seq !== conversationSeq || channel !== place.channel) return;
  const stick = opts.scroll === 'bottom' || shell.atBottom();
  // Keep older pages the person already loaded.
  const older =
    conversation?.channel === channel
      ? conversation.messages.filter((m) => m.ts < (data.messages[0]?.ts ?? ''))
      : [];
  conversation = {
    ...data,
    messages: [...older, ...data.messages],
    hasMore: older.length ? conversation!.hasMore : data.hasMore,
  };
  mainList.update(conversation.messages);
  shell.showOlder(mainList.hiddenOlder || conversation.hasMore, loadOlder);
  shell.showEmpty(conversation.messages.length === 0);
  if (stick) shell.scrollToBottom();
}

let loadingOlder = false;
/** Scrolled to the top: first what is held but not drawn, then the server's older page. */
async function loadOlder(): Promise<void> {
  if (loadingOlder) return;
  const before = shell.scrollHeight();
  if (mainList.showMore()) {
    shell.keepScroll(before);
    shell.showOlder(mainList.hiddenOlder || !!conversation?.hasMore, loadOlder);
    return;
  }
  if (!conversation?.hasMore) return;
  loadingOlder = true;
  try {
    await loadOlderPage();
  } finally {
    loadingOlder = false;
  }
}

async function loadOlderPage(): Promise<void> {
  if (!conversation) return;
  const first = conversation.messages[0];
  if (!first) return;
  const channel = conversation.channel;
  const page = await api.conversation(channel, place.as, first.ts);
  if (channel !== place.channel || !conversation) return;
  const before = shell.scrollHeight();
  conversation = {
    ...conversation,
    messages: [...page.messages, ...conversation.messages],
    hasMore: page.hasMore,
  };
  mainList.update(conversation.messages);
  mainList.showMore();
  shell.showOlder(mainList.hiddenOlder || conversation.hasMore, loadOlder);
  shell.keepScroll(before);
}

async function refreshThread(): Promise<void> {
  const t = place.thread;
  if (!t) return shell.showThread(false);
  try {
    const data = await api.replies(t.channel, t.ts, place.as);
    if (place.thread !== t) return;
    const stick = shell.threadAtBottom();
    threadList.update([data.parent, ...data.replies]);
    shell.showThread(true, channelName(t.channel));
    if (stick) shell.threadScrollToBottom();
  } catch {
    place.thread = null;
    shell.showThread(false);
  }
}

async function refreshHome(): Promise<void> {
  if (place.channel !== 'home') return;
  const as = place.as;
  const { view } = await api.home(as);
  if (place.channel !== 'home' || as !== place.as) return;
  homeViewId = view?.id ?? null;
  shell.home.replaceChildren(
    view
      ? renderBlocks(view.blocks as unknown as Block[], baseContext(viewAction(view.id)))
      : h('p', { className: 'empty' }, `${ws.bot.name} has not published a Home tab for you yet.`),
  );
}

async function refreshModal(): Promise<void> {
  const as = place.as;
  const stack: ModalStack = await api.modal(as);
  if (as !== place.as) return;
  modals.show(stack.views.at(-1));
}

async function refreshWorkspace(opts: { chrome: boolean }): Promise<void> {
  ws = await api.workspace();
  if (opts.chrome) {
    clockNow = new Date(ws.clock.now);
    renderChrome();
  } else setClock(ws.clock.now);
}

async function refreshAll(): Promise<void> {
  await refreshWorkspace({ chrome: true });
  mainList.clear();
  conversation = null;
  await Promise.all([refreshConversation({ scroll: 'bottom' }), refreshThread(), refreshModal()]);
}

const channelName = (id: string): string => {
  const c = ws.channels.find((x) => x.id === id);
  return c ? channelLabel(c) : id;
};

// ---- the chrome: top bar, sidebar, header ----------------------------------------------------

function renderChrome(): void {
  const focused = document.activeElement?.id;
  const me = viewer();
  const dm = dmOf(place.as);
  const channels = ws.channels.filter((c) => c.kind === 'channel');
  shell.renderTopBar({
    people: ws.people,
    as: place.as,
    onAs: (id) => go({ as: id, channel: translateChannel(place.channel, id), thread: null }),
    now: clockNow,
    tz: me?.tz ?? 'UTC',
    nextDigestAt: ws.nextDigestAt,
    onClock: (req) =>
      void attempt(() => api.clock(req)).then((c) => {
        if (c) setClock(c.now);
      }),
    onReset: async () => {
      const ok = await askConfirm({
        title: 'Reset the sandbox?',
        body: h(
          'p',
          {},
          'Every message, modal and Home tab goes, the clock returns to now, and the workspace is seeded again.',
        ),
        confirm: 'Reset sandbox',
        deny: 'Cancel',
        danger: true,
      });
      if (!ok) return;
      const done = await attempt(() => api.reset());
      if (done !== undefined) {
        shell.toast('The sandbox was reset.', 'info');
        await refreshAll();
      }
    },
  });
  shell.renderSidebar({
    team: ws.team.name,
    channels: channels.map((c) => ({ id: c.id, label: `# ${c.name}` })),
    dm: dm ? { id: dm.id, label: ws.bot.name } : null,
    current: place.channel,
    onGo: (channel) => go({ ...place, channel, thread: null }),
  });
  if (place.channel === 'home') shell.renderHeader({ title: `${ws.bot.name} — Home`, home: true });
  else {
    const c = ws.channels.find((x) => x.id === place.channel);
    const label = c ? channelLabel(c) : place.channel;
    shell.renderHeader({
      title: label,
      topic:
        c?.kind === 'channel'
          ? c.botIsMember
            ? `${c.members.length} members · ${ws.bot.name} is here`
            : `${c.members.length} members · ${ws.bot.name} is not in this channel`
          : 'Messages',
      home: false,
    });
    shell.setComposer(`Message ${label}`);
  }
  if (focused) document.getElementById(focused)?.focus();
}

/** The same kind of place for another person: their own DM stands in for the previous one's. */
function translateChannel(channel: string, as: string): string {
  const c = ws.channels.find((x) => x.id === channel);
  if (c?.kind === 'dm') return dmOf(as)?.id ?? 'C0RANKING';
  return channel;
}

function setClock(now: string): void {
  clockNow = new Date(now);
  shell.setClock(clockNow, tz(), ws.nextDigestAt);
}

async function go(next: Place): Promise<void> {
  const asChanged = next.as !== place.as;
  const channelChanged = next.channel !== place.channel;
  Object.assign(place, next);
  writeHash();
  renderChrome();
  if (channelChanged || asChanged) {
    mainList.clear();
    conversation = null;
    homeViewId = null;
  }
  shell.showHome(place.channel === 'home');
  if (place.channel === 'home' && (channelChanged || asChanged)) void attempt(() => api.homeOpened(place.as));
  const work: Promise<void>[] = [refreshConversation({ scroll: 'bottom' }), refreshThread()];
  if (asChanged) work.push(refreshModal());
  await Promise.all(work);
  if (channelChanged && place.channel !== 'home') shell.focusComposer();
}

function openThread(channel: string, ts: string): void {
  place.thread = { channel, ts };
  writeHash();
  void refreshThread().then(() => shell.focusThreadComposer());
}

function writeHash(): void {
  const parts = [place.as, place.channel, ...(place.thread ? [place.thread.ts] : [])];
  history.replaceState(null, '', `#/${parts.join('/')}`);
}

function readHash(): void {
  const [as, channel, thread] = location.hash.replace(/^#\/?/, '').split('/');
  if (as && ws.people.some((p) => p.id === as)) place.as = as;
  if (channel === 'home' || (channel && ws.channels.some((c) => c.id === channel))) place.channel = channel;
  if (thread && place.channel !== 'home') place.thread = { channel: place.channel, ts: thread };
  const c = ws.channels.find((x) => x.id === place.channel);
  if (c?.kind === 'dm' && c.user !== place.as) place.channel = dmOf(place.as)?.id ?? 'C0RANKING';
}

// ---- events --------------------------------------------------------------------------------

function onEvent(e: SandboxEvent): void {
  switch (e.type) {
    case 'message.new':
    case 'message.update':
    case 'message.delete':
    case 'ephemeral.new': {
      if (e.type === 'ephemeral.new' && e.data.user !== place.as) return;
      if (e.data.channel === place.channel) void refreshConversation();
      const t = place.thread;
      if (t && t.channel === e.data.channel && (e.data.threadTs === t.ts || e.data.ts === t.ts))
        void refreshThread();
      return;
    }
    case 'view.open':
    case 'view.update':
    case 'view.close':
      if (e.data.user === place.as) void refreshModal();
      if (e.data.viewId === homeViewId) void refreshHome();
      return;
    case 'home.publish':
      if (e.data.user === place.as) void refreshHome();
      return;
    case 'file.new':
    case 'file.delete':
      if (e.data.channel === place.channel) void refreshConversation();
      return;
    case 'refused':
      if (e.data.channel === place.channel) void refreshConversation();
      else if (!e.data.channel && (!e.data.user || e.data.user === place.as))
        shell.toast(
          `Slack refused ${e.data.method}: ${e.data.error}${e.data.reasons.length ? ` — ${e.data.reasons.join('; ')}` : ''}`,
          'error',
        );
      return;
    case 'notice':
      if (e.data.user !== place.as) return;
      shell.toast(e.data.text, 'error');
      if (e.data.channel === place.channel) void refreshConversation();
      return;
    case 'clock':
      setClock(e.data.now);
      void refreshWorkspace({ chrome: false });
      return;
    case 'reset':
      void refreshAll();
      return;
  }
}

// ---- start -----------------------------------------------------------------------------------

async function start(): Promise<void> {
  shell.onSend = (text, where) => send(text, undefined, where);
  shell.onThreadSend = (text, where) =>
    place.thread ? send(text, place.thread.ts, where) : Promise.resolve(false);
  shell.onCloseThread = () => {
    place.thread = null;
    writeHash();
    shell.showThread(false);
  };
  shell.onScrollTop = () => void loadOlder();
  try {
    ws = await api.workspace();
  } catch (error) {
    shell.fatal(`The sandbox API did not answer: ${error instanceof Error ? error.message : String(error)}`);
    return;
  }
  clockNow = new Date(ws.clock.now);
  readHash();
  subscribe({
    onEvent,
    onReconnect: () => void refreshAll(),
    onState: (connected) => shell.setConnected(connected),
  });
  await go({ ...place });
  void refreshModal();
  document.body.dataset.sandbox = 'ready';
}

void start();

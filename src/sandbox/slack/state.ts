import type { Block, Message, ModalView, Refusal, SandboxEvent, SandboxFile, View } from '../api.js';

/**
 * What people see in the embedded Slack, per viewer: every conversation's messages (people's,
 * the bot's, thread replies), ephemerals and notices meant for one person, each person's
 * modal stack and Home tab, and uploaded files. The embedded Slack writes here as it answers
 * the app; the sandbox API reads here; every change is announced once, as a SandboxEvent
 * (Mailpit's new/update/delete), so the page refetches only what changed.
 */
export interface StoredEntry {
  kind: Message['kind'];
  ts: string;
  user: string;
  botId?: string;
  text: string;
  blocks?: Block[];
  fileIds: string[];
  edited?: { ts: string };
  threadTs?: string;
  /** Ephemerals and notices: the only person who sees them. */
  visibleTo?: string;
  refusal?: Refusal;
}

export interface StoredFile {
  id: string;
  name: string;
  title: string;
  mimetype: string;
  bytes: Buffer;
  channel?: string;
}

/** What slack.json holds: enough for a restart to show the same conversations and Home tabs. */
export interface SavedState {
  version: 1;
  entries: Record<string, StoredEntry[]>;
  homes: Record<string, View>;
  files: (Omit<StoredFile, 'bytes'> & { base64: string })[];
  offsetMs: number;
}

export type Listener = (event: SandboxEvent) => void;

const MIMETYPES: Record<string, string> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  svg: 'image/svg+xml',
  csv: 'text/csv',
  json: 'application/json',
  md: 'text/markdown',
  txt: 'text/plain',
};

export const mimetypeOf = (filename: string): string =>
  MIMETYPES[filename.split('.').pop()?.toLowerCase() ?? ''] ?? 'application/octet-stream';

export class SlackState {
  private readonly entries = new Map<string, StoredEntry[]>();
  private readonly modals = new Map<string, ModalView[]>();
  private readonly homes = new Map<string, View>();
  private readonly files = new Map<string, StoredFile>();
  private readonly listeners = new Set<Listener>();
  /** Kept here so that slack.json carries the clock with the conversation it belongs to. */
  offsetMs = 0;

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(event: SandboxEvent): void {
    for (const listener of this.listeners) listener(event);
  }

  // --- messages ------------------------------------------------------------------------

  add(channel: string, entry: StoredEntry): void {
    const list = this.entries.get(channel) ?? [];
    list.push(entry);
    this.entries.set(channel, list);
    const where = { channel, ts: entry.ts, ...(entry.threadTs ? { threadTs: entry.threadTs } : {}) };
    if (entry.visibleTo && entry.kind === 'notice')
      this.emit({ type: 'notice', data: { user: entry.visibleTo, channel, text: entry.text } });
    else if (entry.visibleTo) this.emit({ type: 'ephemeral.new', data: { ...where, user: entry.visibleTo } });
    else this.emit({ type: 'message.new', data: where });
  }

  find(channel: string, ts: string, viewer?: string): StoredEntry | undefined {
    return this.entries
      .get(channel)
      ?.find((e) => e.ts === ts && (!e.visibleTo || viewer === undefined || e.visibleTo === viewer));
  }

  /** chat.update, or a response_url's replace_original. */
  update(channel: string, ts: string, change: { text: string; blocks?: Block[]; editedTs?: string }): void {
    const entry = this.find(channel, ts);
    if (!entry) return;
    entry.text = change.text;
    if (change.blocks !== undefined) entry.blocks = change.blocks;
    if (change.editedTs) entry.edited = { ts: change.editedTs };
    const where = { channel, ts, ...(entry.threadTs ? { threadTs: entry.threadTs } : {}) };
    if (entry.visibleTo) this.emit({ type: 'ephemeral.new', data: { ...where, user: entry.visibleTo } });
    else this.emit({ type: 'message.update', data: where });
  }

  remove(channel: string, ts: string): void {
    const list = this.entries.get(channel);
    const index = list?.findIndex((e) => e.ts === ts) ?? -1;
    if (!list || index < 0) return;
    const [entry] = list.splice(index, 1);
    this.emit({
      type: 'message.delete',
      data: { channel, ts, ...(entry?.threadTs ? { threadTs: entry.threadTs } : {}) },
    });
  }

  /**
   * The top-level entries `viewer` sees in `channel`, oldest first: at most `limit`, the
   * latest before `before` when given.
   */
  conversation(
    channel: string,
    viewer: string,
    opts: { before?: string; limit: number },
  ): { messages: Message[]; hasMore: boolean } {
    const all = this.visible(channel, viewer);
    const top = all.filter((e) => !e.threadTs || e.threadTs === e.ts);
    const older = opts.before ? top.filter((e) => tsBefore(e.ts, opts.before!)) : top;
    const page = older.slice(-opts.limit);
    return { messages: page.map((e) => this.message(e, all)), hasMore: older.length > page.length };
  }

  thread(channel: string, viewer: string, ts: string): { parent: Message; replies: Message[] } | undefined {
    const all = this.visible(channel, viewer);
    const parent = all.find((e) => e.ts === ts);
    if (!parent) return undefined;
    const replies = all.filter((e) => e.threadTs === ts && e.ts !== ts);
    return { parent: this.message(parent, all), replies: replies.map((e) => this.message(e, all)) };
  }

  private visible(channel: string, viewer: string): StoredEntry[] {
    return (this.entries.get(channel) ?? []).filter((e) => !e.visibleTo || e.visibleTo === viewer);
  }

  private message(e: StoredEntry, all: StoredEntry[]): Message {
    const replies = all.filter((r) => r.threadTs === e.ts && r.ts !== e.ts && r.kind === 'message');
    return {
      kind: e.kind,
      ts: e.ts,
      user: e.user,
      ...(e.botId ? { botId: e.botId } : {}),
      text: e.text,
      ...(e.blocks ? { blocks: e.blocks } : {}),
      files: e.fileIds.flatMap((id) => {
        const f = this.fileInfo(id);
        return f ? [f] : [];
      }),
      ...(e.edited ? { edited: e.edited } : {}),
      ...(e.threadTs ? { threadTs: e.threadTs } : {}),
      replyCount: replies.length,
      ...(replies.length > 0 ? { latestReply: replies.at(-1)!.ts } : {}),
      ...(e.refusal ? { refusal: e.refusal } : {}),
    };
  }

  // --- views ---------------------------------------------------------------------------

  /** views.open: a new stack for `user` (one modal at a time, as Slack's client shows them). */
  openModal(user: string, view: View): void {
    const previous = this.modals.get(user) ?? [];
    this.modals.set(user, [{ view, errors: {} }]);
    for (const closed of previous) this.emit({ type: 'view.close', data: { user, viewId: closed.view.id } });
    this.emit({ type: 'view.open', data: { user, viewId: view.id } });
  }

  pushModal(user: string, view: View): void {
    const stack = this.modals.get(user) ?? [];
    stack.push({ view, errors: {} });
    this.modals.set(user, stack);
    this.emit({ type: 'view.open', data: { user, viewId: view.id } });
  }

  /** views.update (or response_action update): the view keeps its place; old errors go. */
  updateView(view: View): void {
    for (const [user, stack] of this.modals) {
      const index = stack.findIndex((m) => m.view.id === view.id);
      if (index < 0) continue;
      stack[index] = { view, errors: {} };
      this.emit({ type: 'view.update', data: { user, viewId: view.id } });
      return;
    }
    for (const [user, home] of this.homes) {
      if (home.id !== view.id) continue;
      this.homes.set(user, view);
      this.emit({ type: 'home.publish', data: { user } });
      return;
    }
  }

  /** Replaces the top view of `user`'s stack (response_action update). */
  replaceTop(user: string, view: View): void {
    const stack = this.modals.get(user);
    if (!stack || stack.length === 0) return;
    const old = stack[stack.length - 1]!;
    stack[stack.length - 1] = { view, errors: {} };
    this.emit({ type: 'view.update', data: { user, viewId: old.view.id } });
  }

  setErrors(user: string, viewId: string, errors: Record<string, string>): void {
    const modal = this.modals.get(user)?.find((m) => m.view.id === viewId);
    if (!modal) return;
    modal.errors = errors;
    this.emit({ type: 'view.update', data: { user, viewId } });
  }

  /** Closes the top view (Submit with an empty ack, Cancel); the one under it shows again. */
  popModal(user: string): ModalView | undefined {
    const stack = this.modals.get(user);
    const top = stack?.pop();
    if (top) this.emit({ type: 'view.close', data: { user, viewId: top.view.id } });
    if (stack?.length === 0) this.modals.delete(user);
    return top;
  }

  /** response_action clear: the whole stack goes. */
  clearModals(user: string): void {
    while (this.modals.get(user)?.length) this.popModal(user);
  }

  modalStack(user: string): ModalView[] {
    return this.modals.get(user) ?? [];
  }

  /** Whose modal `viewId` is, or undefined. */
  modalOwner(viewId: string): string | undefined {
    for (const [user, stack] of this.modals) if (stack.some((m) => m.view.id === viewId)) return user;
    return undefined;
  }

  publishHome(user: string, view: View): void {
    this.homes.set(user, view);
    this.emit({ type: 'home.publish', data: { user } });
  }

  home(user: string): View | undefined {
    return this.homes.get(user);
  }

  /** The view with this id, among open modals and Home tabs, with whose it is. */
  view(viewId: string): { user: string; view: View; home: boolean } | undefined {
    const owner = this.modalOwner(viewId);
    if (owner) {
      const found = this.modals.get(owner)!.find((m) => m.view.id === viewId)!;
      return { user: owner, view: found.view, home: false };
    }
    for (const [user, view] of this.homes) if (view.id === viewId) return { user, view, home: true };
    return undefined;
  }

  // --- files ---------------------------------------------------------------------------

  addFile(file: StoredFile): void {
    this.files.set(file.id, file);
    this.emit({
      type: 'file.new',
      data: { id: file.id, ...(file.channel ? { channel: file.channel } : {}) },
    });
  }

  /** A deleted file leaves the messages that shared it, as in Slack. */
  deleteFile(id: string): void {
    const file = this.files.get(id);
    if (!file) return;
    this.files.delete(id);
    this.emit({ type: 'file.delete', data: { id, ...(file.channel ? { channel: file.channel } : {}) } });
  }

  file(id: string): StoredFile | undefined {
    return this.files.get(id);
  }

  private fileInfo(id: string): SandboxFile | undefined {
    const f = this.files.get(id);
    return f && { id, name: f.name, title: f.title, mimetype: f.mimetype, url: `/sandbox/api/files/${id}` };
  }

  // --- persistence ---------------------------------------------------------------------

  /** Modal stacks are not kept: a reloaded Slack client shows none either. */
  save(): SavedState {
    return {
      version: 1,
      entries: Object.fromEntries(this.entries),
      homes: Object.fromEntries(this.homes),
      files: [...this.files.values()].map(({ bytes, ...f }) => ({ ...f, base64: bytes.toString('base64') })),
      offsetMs: this.offsetMs,
    };
  }

  load(saved: SavedState): void {
    this.clear();
    for (const [channel, list] of Object.entries(saved.entries)) this.entries.set(channel, list);
    for (const [user, view] of Object.entries(saved.homes)) this.homes.set(user, view);
    for (const { base64, ...f } of saved.files)
      this.files.set(f.id, { ...f, bytes: Buffer.from(base64, 'base64') });
    this.offsetMs = saved.offsetMs;
  }

  /** Every top-level and threaded message the bot wrote, for the engine to accept chat.update on again. */
  botMessages(): { channel: string; entry: StoredEntry }[] {
    return [...this.entries].flatMap(([channel, list]) =>
      list.filter((e) => e.kind === 'message' && e.botId).map((entry) => ({ channel, entry })),
    );
  }

  clear(): void {
    this.entries.clear();
    this.modals.clear();
    this.homes.clear();
    this.files.clear();
    this.offsetMs = 0;
  }
}

/** Slack ts order: seconds, then micros (both fixed-width after the dot). */
export function tsBefore(a: string, b: string): boolean {
  const [as = '0', am = '0'] = a.split('.');
  const [bs = '0', bm = '0'] = b.split('.');
  return Number(as) < Number(bs) || (Number(as) === Number(bs) && Number(am) < Number(bm));
}

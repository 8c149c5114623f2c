import manifest from '../../../manifest.json' with { type: 'json' };

/**
 * The bot scopes the app asks for, read from manifest.json (so the embedded Slack and the app
 * cannot drift apart), and the scope Slack requires for each Web API method Labbook uses or
 * may use. A method missing here needs no scope (auth.test, views.*, chat.getPermalink,
 * oauth.v2.access) or is unknown to the fake anyway.
 */
export function manifestBotScopes(): string[] {
  const { oauth_config: oauth } = manifest as { oauth_config?: { scopes?: { bot?: string[] } } };
  return oauth?.scopes?.bot ?? [];
}

/** What kind of conversation a call is about, for methods whose scope depends on it. */
export type ConversationKind = 'public' | 'private' | 'im';

const byKind = (prefix: string) => (kind: ConversationKind) =>
  `${kind === 'public' ? 'channels' : kind === 'private' ? 'groups' : 'im'}:${prefix}`;

const METHOD_SCOPES: Record<string, string | ((kind: ConversationKind) => string)> = {
  'chat.postMessage': 'chat:write',
  'chat.postEphemeral': 'chat:write',
  'chat.update': 'chat:write',
  'chat.delete': 'chat:write',
  'chat.scheduleMessage': 'chat:write',
  'conversations.open': 'im:write',
  'conversations.info': byKind('read'),
  'conversations.members': byKind('read'),
  'conversations.history': byKind('history'),
  'conversations.replies': byKind('history'),
  'users.info': 'users:read',
  'users.list': 'users:read',
  'users.profile.get': 'users.profile:read',
  'users.lookupByEmail': 'users:read.email',
  'team.info': 'team:read',
  'files.getUploadURLExternal': 'files:write',
  'files.completeUploadExternal': 'files:write',
  'files.delete': 'files:write',
  'files.info': 'files:read',
  'reactions.add': 'reactions:write',
};

/** The scope `method` needs for a conversation of `kind` (default public), or undefined when none. */
export function scopeFor(method: string, kind: ConversationKind = 'public'): string | undefined {
  const scope = METHOD_SCOPES[method];
  return typeof scope === 'function' ? scope(kind) : scope;
}

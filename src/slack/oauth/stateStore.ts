import { createHash } from 'node:crypto';
import oauth, { type StateStore } from '@slack/oauth';
import type { Db } from '../../db/index.js';

// A CommonJS package whose re-exports Node cannot name from ESM.
const { ClearStateStore, InvalidStateError } = oauth;

// As long as Bolt's state cookie lives: a state older than this is refused anyway.
export const STATE_TTL_SECONDS = 600;

/**
 * Bolt's signed state (ClearStateStore: a JWT under SLACK_STATE_SECRET, ten minutes) made
 * single-use: a state is recorded the moment it is redeemed, in PostgreSQL so a state
 * replayed to another replica is refused too.
 */
export function singleUseStateStore(db: Db, stateSecret: string): StateStore {
  const signed = new ClearStateStore(stateSecret, STATE_TTL_SECONDS);
  return {
    generateStateParam: (options, now) => signed.generateStateParam(options, now),
    async verifyStateParam(now, state) {
      const options = await signed.verifyStateParam(now, state);
      const inserted = await db
        .insertInto('oauth_states_used')
        .values({ state_hash: createHash('sha256').update(state).digest('hex'), used_at: now })
        .onConflict((oc) => oc.doNothing())
        .returning('state_hash')
        .executeTakeFirst();
      if (!inserted) throw new InvalidStateError('The state value was already used');
      // Expired states are refused by their signature's age; their records can go.
      await db
        .deleteFrom('oauth_states_used')
        .where('used_at', '<', new Date(now.getTime() - 2 * STATE_TTL_SECONDS * 1000))
        .execute();
      return options;
    },
  };
}

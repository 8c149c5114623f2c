import type { KnownBlock } from '@slack/types';
import type { WebClient } from '@slack/web-api';
import type { NewDelivery } from '../db/deliveries.js';
import type { Db } from '../db/index.js';
import type { Delivery } from '../db/schema/index.js';
import type { Services } from '../services.js';

/**
 * What a due delivery becomes now, as its ritual decides: a message to send (and what
 * follows it), a later time (outside the recipient's working hours), or nothing (the
 * thing it was about was answered, moved or ended since it was scheduled).
 */
export type DeliveryPlan =
  | {
      type: 'send';
      /** A user id (DM) or a channel id, decided now: owners and leads change. */
      recipientId: string;
      /**
       * thread_ts posts it as a reply in that thread of the recipient channel;
       * reply_broadcast also shows that reply in the channel.
       */
      message: { text: string; blocks: KnownBlock[] } & (
        { thread_ts?: string } | { thread_ts: string; reply_broadcast: true }
      );
      /** More messages after the first (a long pre-read or digest), in the first's thread. */
      thread?: { text: string; blocks: KnownBlock[] }[];
      followUp?: (sentAt: Date) => NewDelivery;
      /** Written in the same transaction that records the send. */
      effect?: (trx: Db, sent: SentMessage) => Promise<void>;
      /** Work after the send is recorded that may fail on its own (an upload, say). */
      after?: (sent: SentMessage) => Promise<void>;
    }
  | { type: 'later'; when: Date }
  | { type: 'cancel'; why: string };

export interface SentMessage {
  at: Date;
  channelId: string | null;
  ts: string | null;
}

export interface DeliveryContext {
  services: Services;
  /** The Web API client for this delivery's workspace (fails fast: no retries, 429 rejected). */
  client: WebClient;
}

/**
 * A ritual's part in scheduled work: which kinds of delivery it owns, how each is planned
 * when it falls due, and what happens when one can never be delivered. The scheduler
 * knows none of this; it claims, asks the ritual, sends and records.
 */
export interface DeliveryRitual {
  kinds: readonly string[];
  plan(ctx: DeliveryContext, d: Delivery): Promise<DeliveryPlan>;
  /** The delivery failed for good (the person left, the channel is gone): tell someone once. */
  failedForGood?(ctx: DeliveryContext, d: Delivery, detail: string): Promise<void>;
  /**
   * Run at the start of every sweep: schedules recurring deliveries that should be waiting
   * and are not (a weekly digest for a new project). Must be idempotent across replicas.
   */
  topUp?(services: Services): Promise<void>;
}

/** One table from kind to ritual; two rituals claiming one kind is a programming error. */
export function ritualsByKind(rituals: DeliveryRitual[]): Map<string, DeliveryRitual> {
  const byKind = new Map<string, DeliveryRitual>();
  for (const ritual of rituals) {
    for (const kind of ritual.kinds) {
      if (byKind.has(kind)) throw new Error(`delivery kind ${kind} is claimed by two rituals`);
      byKind.set(kind, ritual);
    }
  }
  return byKind;
}

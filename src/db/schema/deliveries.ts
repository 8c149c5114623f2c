import type { Generated } from 'kysely';
import type { CreatedAt, Id, Timestamp } from './types.js';

export type DeliveryStatus = 'pending' | 'sent' | 'failed' | 'cancelled';

export interface DeliveriesTable {
  id: Id;
  team_id: string;
  kind: string;
  dedupe_key: string;
  project_id: number | null;
  hypothesis_id: number | null;
  meeting_id: number | null;
  recipient_id: string;
  status: Generated<DeliveryStatus>;
  due_at: Timestamp;
  next_attempt_at: Timestamp;
  attempts: Generated<number>;
  claimed_by: string | null;
  last_error: string | null;
  sent_at: Timestamp | null;
  channel_id: string | null;
  message_ts: string | null;
  created_at: CreatedAt;
  updated_at: CreatedAt;
}

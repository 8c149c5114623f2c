import type { ColumnType, Generated } from 'kysely';

/** timestamptz: read as Date, written as Date or ISO string. */
export type Timestamp = ColumnType<Date, Date | string, Date | string>;
/** timestamptz with a database default (callers pass the injected clock's time anyway). */
export type CreatedAt = ColumnType<Date, Date | string | undefined, Date | string>;
export type Id = Generated<number>;

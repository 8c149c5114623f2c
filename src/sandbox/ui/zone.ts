import { wallClock, zoneOffsetMs } from '../../wallClock.js';

// Wall-clock time in an IANA zone, for datetimepickers (Slack shows them in the person's zone).
const pad = (n: number): string => String(n).padStart(2, '0');

/** Epoch seconds → 'YYYY-MM-DDTHH:mm' as read on a clock in `tz`. */
export function toWall(seconds: number, tz: string): string {
  const p = wallClock(new Date(seconds * 1000), tz);
  return `${p.year}-${pad(p.month)}-${pad(p.day)}T${pad(p.hour)}:${pad(p.minute)}`;
}

/** 'YYYY-MM-DDTHH:mm' on a clock in `tz` → epoch seconds (null when unreadable). */
export function fromWall(wall: string, tz: string): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/.exec(wall);
  if (!m) return null;
  const guess = Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!);
  let ms = guess - zoneOffsetMs(new Date(guess), tz);
  ms = guess - zoneOffsetMs(new Date(ms), tz);
  return Math.floor(ms / 1000);
}

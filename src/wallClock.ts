/**
 * The wall clock in an IANA zone at an instant, from one Intl formatter kept per zone:
 * building a formatter is what converting a time costs, and scheduling, the sandbox's seed
 * and its page (which imports this file into the browser; it needs nothing but Intl) ask
 * about the same few zones again and again.
 */
export interface WallClock {
  year: number;
  /** 1–12. */
  month: number;
  day: number;
  /** 0–23. */
  hour: number;
  minute: number;
  second: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** `tz` must be a zone Intl knows (the server checks names with safeZone first). */
export function wallClock(instant: Date, tz: string): WallClock {
  let format = formatters.get(tz);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone: tz,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(tz, format);
  }
  const n: Partial<Record<Intl.DateTimeFormatPartTypes, number>> = {};
  for (const p of format.formatToParts(instant)) if (p.type !== 'literal') n[p.type] = Number(p.value);
  return {
    year: n.year ?? 0,
    month: n.month ?? 1,
    day: n.day ?? 1,
    hour: n.hour ?? 0,
    minute: n.minute ?? 0,
    second: n.second ?? 0,
  };
}

/** The zone's offset from UTC at `instant`, in ms (east positive), to the whole second. */
export function zoneOffsetMs(instant: Date, tz: string): number {
  const w = wallClock(instant, tz);
  const asUtc = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
  return asUtc - Math.floor(instant.getTime() / 1000) * 1000;
}

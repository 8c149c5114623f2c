/**
 * A decision meeting as an iCalendar file (RFC 5545), so it lands in people's calendars in
 * one click. Written here rather than with a library: the format is small, and these are
 * its only rules we need — CRLF line ends, lines folded at 75 octets, TEXT values escaped.
 */

export interface CalendarEvent {
  /** Stable for the meeting's whole life: a calendar replaces the event with the same UID. */
  uid: string;
  /** Bumped with each change (the meeting's revision), so the newer file wins. */
  sequence: number;
  title: string;
  start: Date;
  minutes: number;
  description: string;
  url: string | null;
  /** When the file was made. */
  stamp: Date;
  /** A new or moved meeting, or its cancellation. */
  method: 'PUBLISH' | 'CANCEL';
}

/** How long a meeting is put in the calendar: the ritual has no end time of its own. */
export const MEETING_MINUTES = 60;

/** 20261126T100000Z: a DATE-TIME in UTC (RFC 5545 §3.3.5, form #2). */
export function utcDateTime(d: Date): string {
  return d
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z')
    .replace(/[-:]/g, '');
}

/** TEXT escaping (§3.3.11): backslash, semicolon and comma escaped, line breaks as \n. */
export function escapeText(text: string): string {
  return text
    .replace(/\\/g, '\\\\')
    .replace(/;/g, '\\;')
    .replace(/,/g, '\\,')
    .replace(/\r\n|\r|\n/g, '\\n');
}

/**
 * Folds a content line into pieces of at most 75 octets (§3.1), each continuation starting
 * with one space, never splitting a UTF-8 character.
 */
export function foldLine(line: string): string {
  const pieces: string[] = [];
  let current = '';
  let octets = 0;
  for (const ch of line) {
    const size = Buffer.byteLength(ch, 'utf8');
    // The first piece has 75 octets; the others 74 after their leading space.
    const room = pieces.length === 0 ? 75 : 74;
    if (octets + size > room) {
      pieces.push(current);
      current = '';
      octets = 0;
    }
    current += ch;
    octets += size;
  }
  pieces.push(current);
  return pieces.join('\r\n ');
}

/** The whole file: one VEVENT in a VCALENDAR, CRLF after every line, the last included. */
export function meetingIcs(e: CalendarEvent): string {
  const end = new Date(e.start.getTime() + e.minutes * 60_000);
  const lines = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//Labbook//Decision meetings//EN',
    'CALSCALE:GREGORIAN',
    `METHOD:${e.method}`,
    'BEGIN:VEVENT',
    `UID:${e.uid}`,
    `SEQUENCE:${e.sequence}`,
    `DTSTAMP:${utcDateTime(e.stamp)}`,
    `DTSTART:${utcDateTime(e.start)}`,
    `DTEND:${utcDateTime(end)}`,
    `SUMMARY:${escapeText(e.title)}`,
    `DESCRIPTION:${escapeText(e.description)}`,
    // URL is a URI value, not TEXT: it is written as it is, only folded.
    ...(e.url ? [`URL:${e.url}`] : []),
    `STATUS:${e.method === 'CANCEL' ? 'CANCELLED' : 'CONFIRMED'}`,
    'TRANSP:OPAQUE',
    'END:VEVENT',
    'END:VCALENDAR',
  ];
  return lines.map((l) => `${foldLine(l)}\r\n`).join('');
}

/** The meeting's UID: the same for every file of it, across reschedules and its cancellation. */
export const meetingUid = (m: { team_id: string; id: number }) =>
  `decision-meeting-${m.id}-${m.team_id.toLowerCase()}@labbook`;

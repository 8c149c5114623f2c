import { describe, expect, it } from 'vitest';
import {
  escapeText,
  foldLine,
  meetingIcs,
  meetingUid,
  utcDateTime,
  type CalendarEvent,
} from '../../src/rituals/meetings/calendar.js';
import { icsValue, parseIcs } from '../support/ics.js';

const event = (o: Partial<CalendarEvent> = {}): CalendarEvent => ({
  uid: meetingUid({ team_id: 'T0LAB', id: 7 }),
  sequence: 0,
  title: 'Which model do we try next for ranking?',
  start: new Date('2026-11-26T10:00:00Z'),
  minutes: 60,
  description: 'Proposals due Wed 25 Nov, 10:00 UTC.',
  url: 'https://fake.slack.com/archives/C0RANK/p1800000000000100',
  stamp: new Date('2026-11-23T10:00:00.123Z'),
  method: 'PUBLISH',
  ...o,
});

describe('the meeting as an iCalendar file', () => {
  it('reads back as one VEVENT with its start in UTC, its title, link and deadline', () => {
    const props = parseIcs(meetingIcs(event()));
    expect(props.map((p) => p.name)).toEqual([
      'BEGIN',
      'VERSION',
      'PRODID',
      'CALSCALE',
      'METHOD',
      'BEGIN',
      'UID',
      'SEQUENCE',
      'DTSTAMP',
      'DTSTART',
      'DTEND',
      'SUMMARY',
      'DESCRIPTION',
      'URL',
      'STATUS',
      'TRANSP',
      'END',
      'END',
    ]);
    expect(props.filter((p) => p.name === 'BEGIN').map((p) => p.value)).toEqual(['VCALENDAR', 'VEVENT']);
    expect(icsValue(props, 'VERSION')).toBe('2.0');
    expect(icsValue(props, 'METHOD')).toBe('PUBLISH');
    expect(icsValue(props, 'DTSTART')).toBe('20261126T100000Z');
    expect(icsValue(props, 'DTEND')).toBe('20261126T110000Z');
    expect(icsValue(props, 'DTSTAMP')).toBe('20261123T100000Z');
    expect(icsValue(props, 'SUMMARY')).toBe('Which model do we try next for ranking?');
    expect(icsValue(props, 'DESCRIPTION')).toBe('Proposals due Wed 25 Nov, 10:00 UTC.');
    expect(icsValue(props, 'URL')).toBe('https://fake.slack.com/archives/C0RANK/p1800000000000100');
    expect(icsValue(props, 'UID')).toBe('decision-meeting-7-t0lab@labbook');
    expect(icsValue(props, 'STATUS')).toBe('CONFIRMED');
  });

  it('escapes commas, semicolons, backslashes and line breaks in text, and gets them back', () => {
    const title = 'Trees, towers; or C:\\models\\new?';
    const description = 'Line one\nLine two\r\nLine three';
    expect(escapeText(title)).toBe('Trees\\, towers\\; or C:\\\\models\\\\new?');
    const props = parseIcs(meetingIcs(event({ title, description })));
    expect(icsValue(props, 'SUMMARY')).toBe(title);
    expect(icsValue(props, 'DESCRIPTION')).toBe('Line one\nLine two\nLine three');
  });

  it('folds long lines at 75 octets without splitting a character, and unfolds to the same text', () => {
    const title = `Ranking ${'ü'.repeat(60)} 🚀 ${'x'.repeat(200)}`;
    const text = meetingIcs(event({ title }));
    // parseIcs refuses any physical line over 75 octets or a bare line break.
    expect(icsValue(parseIcs(text), 'SUMMARY')).toBe(title);
    const folded = foldLine(`SUMMARY:${title}`).split('\r\n');
    expect(folded.length).toBeGreaterThan(3);
    for (const [i, line] of folded.entries()) {
      expect(Buffer.byteLength(line, 'utf8')).toBeLessThanOrEqual(75);
      if (i > 0) expect(line.startsWith(' ')).toBe(true);
      expect(line).not.toContain('\uFFFD');
    }
    expect(foldLine('x'.repeat(75))).toBe('x'.repeat(75));
    expect(foldLine('x'.repeat(76))).toBe(`${'x'.repeat(75)}\r\n x`);
  });

  it('cancels with METHOD:CANCEL and the same UID, a later SEQUENCE', () => {
    const moved = parseIcs(meetingIcs(event({ sequence: 1, start: new Date('2026-11-27T15:30:00Z') })));
    const cancelled = parseIcs(meetingIcs(event({ sequence: 2, method: 'CANCEL' })));
    expect(icsValue(moved, 'DTSTART')).toBe('20261127T153000Z');
    expect(icsValue(cancelled, 'METHOD')).toBe('CANCEL');
    expect(icsValue(cancelled, 'STATUS')).toBe('CANCELLED');
    expect(icsValue(cancelled, 'SEQUENCE')).toBe('2');
    expect(icsValue(cancelled, 'UID')).toBe(icsValue(moved, 'UID'));
    expect(utcDateTime(new Date('2026-01-02T03:04:05.678Z'))).toBe('20260102T030405Z');
  });
});

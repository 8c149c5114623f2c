import { describe, expect, it } from 'vitest';
import { cutWords } from '../../blocks/text.js';
import type { DigestHypothesis } from '../../src/db/digests.js';
import { buildDigest } from '../../src/rituals/digests/model.js';
import { weekEndingAt, type DigestSchedule } from '../../src/rituals/digests/weeks.js';

const schedule: DigestSchedule = { weekday: 5, hour: 16, minute: 0, tz: 'Europe/Berlin' };
const slot = new Date('2026-11-06T15:00:00Z'); // Friday 6 Nov, 16:00 in Berlin
let n = 0;

function h(
  status: DigestHypothesis['status'],
  concludedAt: string | null,
  o: Partial<DigestHypothesis> = {},
) {
  n++;
  return {
    id: n,
    project_id: 1,
    number: n,
    statement: `H${n}`,
    status,
    owner_user_id: 'U0OWNER',
    started_at: new Date('2026-09-01T10:00:00Z'),
    due_at: new Date('2026-11-20T10:00:00Z'),
    concluded_at: concludedAt ? new Date(concludedAt) : null,
    timebox_days: 7,
    extension_count: 0,
    result: null,
    learnings: null,
    run_links: [],
    dataset_version: null,
    random_seed: null,
    metric: null,
    tracker_metric_key: null,
    success_criteria: '+5% recall',
    ...o,
  } satisfies DigestHypothesis;
}

const digest = (hypotheses: DigestHypothesis[], decisions = 0) =>
  buildDigest({
    project: { id: 1, name: 'P', channel_id: 'C1' },
    schedule,
    week: weekEndingAt(slot, schedule),
    now: slot,
    hypotheses,
    decisions: Array.from({ length: decisions }, () => ({ projectId: 1, text: 'go with H2', at: slot })),
    meetings: [],
  });

describe('the digest model', () => {
  it('counts the streak in local weeks, across the late-October change, and stops at a week without a conclusion', () => {
    const d = digest([
      h('disproven', '2026-11-05T10:00:00Z'), // this week
      h('validated', '2026-10-27T10:00:00Z'), // the 169-hour week across the change
      h('inconclusive', '2026-10-23T13:59:00Z'), // one minute before that week began (16:00 CEST)
      h('abandoned', '2026-10-10T10:00:00Z'), // abandoned does not count
    ]);
    expect(d.streak).toBe(3);
    expect(d.counts).toEqual({ validated: 0, disproven: 1, inconclusive: 0, abandoned: 0 });
    expect(d.chart.map((w) => w.validated + w.disproven + w.inconclusive + w.abandoned).slice(-5)).toEqual([
      0, 1, 1, 1, 1,
    ]);
    expect(d.deadEnds).toBe(1);
  });

  it('quiet when nothing concluded and no decision; silent after four weeks with nothing running or concluded', () => {
    expect(digest([h('running', null)]).kind).toBe('quiet');
    expect(digest([h('validated', '2026-10-20T10:00:00Z')]).kind).toBe('quiet');
    expect(digest([h('validated', '2026-10-01T10:00:00Z')]).kind).toBe('silent');
    expect(digest([h('validated', '2026-10-01T10:00:00Z')], 1).kind).toBe('full');
  });

  it('calibrates actual against planned days: the median ratio and how many were extended', () => {
    const d = digest([
      h('validated', '2026-11-05T10:00:00Z', { started_at: new Date('2026-10-29T10:00:00Z') }), // 1.0×
      h('disproven', '2026-11-05T10:00:00Z', {
        started_at: new Date('2026-10-22T10:00:00Z'),
        extension_count: 1,
      }), // 2.0×
      h('inconclusive', '2026-11-04T10:00:00Z', {
        started_at: new Date('2026-10-14T10:00:00Z'),
        extension_count: 2,
      }), // 3.0×
    ]);
    expect(d.calibration).toEqual({ concluded: 3, medianRatio: 2, extended: 2, early: 0 });
  });

  it('counts an early conclusion as early and leaves it out of the median', () => {
    const d = digest([
      h('validated', '2026-11-05T10:00:00Z', { started_at: new Date('2026-10-29T10:00:00Z') }), // 1.0×
      h('disproven', '2026-11-05T10:00:00Z', { started_at: new Date('2026-10-22T10:00:00Z') }), // 2.0×
      h('disproven', '2026-11-05T10:00:00Z', { started_at: new Date('2026-11-03T10:00:00Z') }), // early
    ]);
    expect(d.calibration).toEqual({ concluded: 3, medianRatio: 1.5, extended: 0, early: 1 });
  });
});

describe('the digest chart’s weeks', () => {
  it('draws no week that ended before the project began, and labels each on the digest’s own day', () => {
    const d = buildDigest({
      project: { id: 1, name: 'P', channel_id: 'C1', created_at: new Date('2026-10-20T09:00:00Z') },
      schedule,
      week: weekEndingAt(slot, schedule),
      now: slot,
      hypotheses: [h('validated', '2026-11-05T10:00:00Z')],
      decisions: [],
      meetings: [],
    });
    // Begun on Tuesday 20 Oct: the weeks ending Fri 23 Oct, 30 Oct and 6 Nov, every one a Friday 16:00 in Berlin.
    expect(d.chart.map((w) => w.end.toISOString())).toEqual([
      '2026-10-23T14:00:00.000Z',
      '2026-10-30T15:00:00.000Z',
      '2026-11-06T15:00:00.000Z',
    ]);
    expect(d.chart.at(-1)).toMatchObject({ validated: 1 });
    expect(digest([]).chart).toHaveLength(12);
  });
});

describe('cutting text for a section', () => {
  it('never cuts mid-word, and leaves short text alone', () => {
    expect(cutWords('calibration suffers on head classes', 100)).toBe('calibration suffers on head classes');
    expect(cutWords('calibration suffers on head classes', 23)).toBe('calibration suffers on…');
    expect(cutWords('calibration suffers on head classes', 22)).toBe('calibration suffers…');
    expect(cutWords('a, b; c', 6)).toBe('a, b…');
  });
});

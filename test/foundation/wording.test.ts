import { describe, expect, it } from 'vitest';
import {
  answeredCheckInMessage,
  checkInMessage,
  extendHint,
  extendModal,
  outcomeAnnouncement,
} from '../../blocks/checkin.js';
import { designDocMessage } from '../../blocks/designDoc.js';
import { reviewStateText } from '../../blocks/designReview.js';
import { digestMessage } from '../../blocks/digest.js';
import { homeView } from '../../blocks/home.js';
import {
  dueHint,
  hypothesisCard,
  hypothesisDetails,
  pickTimeboxHint,
  type HypothesisView,
} from '../../blocks/hypothesis.js';
import { kickoffMessage, leadControlsMessage, meetingsList, proposalBlocks } from '../../blocks/meeting.js';
import { noProjectOffer, projectCreatedMessage, projectMessage } from '../../blocks/project.js';
import { statsMessage } from '../../blocks/stats.js';
import { count, cutWords, ofTotal } from '../../blocks/text.js';
import { timeboxPhrase } from '../../blocks/timebox.js';
import { forgetWorkspaceModal } from '../../blocks/workspace.js';
import type { DigestHypothesis } from '../../src/db/digests.js';
import type { Proposal } from '../../src/db/schema/index.js';
import { computeStats } from '../../src/rituals/checkins/stats.js';
import { timeboxSpan } from '../../src/rituals/checkins/timeboxSpan.js';
import { buildDigest } from '../../src/rituals/digests/model.js';
import { weekEndingAt, type DigestSchedule } from '../../src/rituals/digests/weeks.js';

/**
 * Every message and modal that writes a count, rendered with counts 0, 1 and 2: none may
 * say "1 days", "project(s)", "0 of 2" or "1.0 d". A new builder that counts belongs here.
 */
const WRONG: [RegExp, string][] = [
  [
    /\b1 (days|hours|projects|hypotheses|proposals|entries|replies|reminders|weeks|sections|reviewers|dead ends|members|participants|times)\b/,
    'a plural after 1',
  ],
  [
    /\b(0|[2-9]|\d\d+) (day|hour|project|hypothesis|proposal|entry|reply|reminder|week|section|reviewer)\b(?![-‑])/,
    'a singular after a number other than 1',
  ],
  [/\((s|es|ies)\)/, 'a "(s)" plural'],
  [/\b0 of\b/, '"0 of"'],
  [/\d\.0\b/, 'a needless ".0"'],
  [/\b\d+(\.\d)? d\b/, 'an abbreviated "d" for days'],
  [/\bof \d+ planned days\b/, '"of N planned days"'],
];

/** Every piece of text a person reads in what a builder returned. */
function textsOf(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(textsOf);
  if (value && typeof value === 'object')
    return Object.entries(value).flatMap(([k, v]) =>
      ['action_id', 'block_id', 'callback_id', 'value', 'private_metadata', 'url'].includes(k)
        ? []
        : textsOf(v),
    );
  return [];
}

function wordingProblems(rendered: unknown): string[] {
  return textsOf(rendered).flatMap((text) =>
    WRONG.filter(([re]) => re.test(text)).map(([, what]) => `${what}: ${JSON.stringify(text)}`),
  );
}

const NOW = new Date('2026-11-23T10:00:00Z');
const DAY = 86_400_000;
const at = (days: number) => new Date(NOW.getTime() + days * DAY);

function hypothesis(n: number, o: Partial<HypothesisView> = {}): HypothesisView & { project_name: string } {
  const days = Math.max(1, n);
  return {
    id: 1,
    number: 3,
    statement: 'Focal loss will improve recall on rare intents by 5% over the baseline',
    method: null,
    metric: 'recall@10',
    baseline: 'production',
    success_criteria: 'recall +5%',
    timebox_days: days,
    next_on_failure: null,
    next_on_success: null,
    owner_user_id: 'U0OWNER',
    status: 'running',
    started_at: NOW,
    due_at: at(days),
    extension_count: 0,
    project_name: 'Search ranking',
    ...o,
  };
}

function proposal(costDays: number): Proposal {
  return {
    id: 1,
    approach: 'Gradient-boosted trees',
    author_user_id: 'U0ALICE',
    kind: 'formal',
    late: false,
    related_work: null,
    no_reading: false,
    expected_gain: '+3%',
    cost_days: costDays,
    option_kind: 'simple',
    risks: null,
  } as unknown as Proposal;
}

const schedule: DigestSchedule = { weekday: 5, hour: 16, minute: 0, tz: 'Europe/Berlin' };
const slot = new Date('2026-11-27T15:00:00Z');

function digestWith(n: number) {
  const rows: DigestHypothesis[] = Array.from({ length: n }, (_, i) => ({
    id: i + 1,
    project_id: 1,
    number: i + 1,
    statement: `H${i + 1}`,
    status: 'disproven',
    owner_user_id: 'U0OWNER',
    started_at: new Date(slot.getTime() - (n + 3) * DAY),
    due_at: new Date(slot.getTime() - 2 * DAY),
    concluded_at: new Date(slot.getTime() - DAY),
    timebox_days: n + 1,
    extension_count: n,
    result: 'no change',
    learnings: null,
    run_links: [],
    dataset_version: null,
    random_seed: null,
    metric: null,
    tracker_metric_key: null,
    success_criteria: '+5%',
  }));
  const running: DigestHypothesis = {
    ...rows[0]!,
    ...{ id: 99, number: 99, status: 'running', concluded_at: null, extension_count: 0 },
    due_at: new Date(slot.getTime() - n * DAY - 60_000),
  };
  return buildDigest({
    project: { id: 1, name: 'Search ranking', channel_id: 'C1' },
    schedule,
    week: weekEndingAt(slot, schedule),
    now: slot,
    hypotheses: [...rows, ...(n > 0 ? [running] : [])],
    decisions: [],
    meetings: [],
  });
}

/** What each builder renders for a count n (0, 1 or 2) of whatever it counts. */
const BUILDERS: [string, (n: number) => unknown][] = [
  [
    'hypothesis card, proposed',
    (n) => hypothesisCard(hypothesis(n, { status: 'proposed', due_at: null }), NOW),
  ],
  [
    'hypothesis card, running and extended',
    (n) => hypothesisCard(hypothesis(n, { extension_count: n }), NOW),
  ],
  [
    'hypothesis card, concluded',
    (n) =>
      hypothesisCard(
        hypothesis(n + 1, { status: 'disproven', concluded_at: at(Math.max(1, n)), extension_count: n }),
        NOW,
      ),
  ],
  ['hypothesis details', (n) => hypothesisDetails(hypothesis(n), { name: 'Search ranking' }, NOW)],
  ['due-date hint', (n) => dueHint(Math.max(1, n), 'Fri 4 Dec 2026')],
  ['timebox hint', (n) => pickTimeboxHint(n || null)],
  ['check-in DM', (n) => checkInMessage({ h: hypothesis(n, { extension_count: n }), round: n })],
  [
    'answered check-in DM',
    (n) =>
      answeredCheckInMessage(
        { h: hypothesis(n), round: 0 },
        { label: 'Validated', by: 'U0OWNER', at: NOW, result: 'ok', learnings: null },
      ),
  ],
  [
    'extend modal',
    (n) =>
      extendModal({
        h: hypothesis(n),
        extensions: n,
        timebox: { min: 1, max: 90 },
        reasonMax: 100,
        privateMetadata: '',
        dueHint: extendHint('Fri 4 Dec'),
      }),
  ],
  ...[0, 1, 2].map((ext): [string, (n: number) => unknown] => [
    `announcement, ${count(ext, 'extension')}`,
    (n) => {
      const due = at(Math.max(1, n) + ext * 3);
      const h = hypothesis(n, { extension_count: ext, due_at: due });
      return [0.5, 1, 2].map((part) =>
        outcomeAnnouncement({
          h,
          answer: 'validated',
          by: 'U0OWNER',
          result: 'ok',
          learnings: 'The plain baseline was enough',
          nextStep: 'ship it',
          span: timeboxSpan({
            ...h,
            extension_count: ext,
            concluded_at: new Date(NOW.getTime() + (due.getTime() - NOW.getTime()) * part),
          }),
        }),
      );
    },
  ]),
  [
    'stats',
    (n) => {
      const rows = Array.from({ length: n }, () => ({
        status: 'validated',
        timebox_days: 1,
        extension_count: 0,
        started_at: NOW,
        due_at: at(1),
        concluded_at: at(1),
      }));
      return statsMessage({
        projectName: 'Search ranking',
        project: computeStats(rows),
        mine: computeStats(rows),
        timeSpent: [{ name: 'P', plannedDays: n, minutes: { data: n * 60 } as never }],
      });
    },
  ],
  [
    'project card',
    (n) =>
      projectMessage({
        id: 1,
        name: 'Search ranking',
        channel_id: 'C1',
        lead_user_id: 'U0LEAD',
        phase: 'define',
        stage: 'crawl',
        members: Array.from({ length: n }, (_, i) => `U${i}`),
        counts: { running: n, proposed: n, validated: n, abandoned: n },
      }),
  ],
  [
    'project started',
    (n) => projectCreatedMessage({ name: 'P', lead_user_id: 'U0LEAD', creator: n === 1 ? 'U0LEAD' : 'U0X' }),
  ],
  [
    'no project yet',
    () => (['hypothesis', 'design', 'meeting', 'logShortcut'] as const).map((w) => noProjectOffer('C1', w)),
  ],
  [
    'forget workspace',
    (n) =>
      forgetWorkspaceModal({
        holdings: { projects: n, hypotheses: n, logEntries: n } as never,
        privateMetadata: '',
      }),
  ],
  ['proposal cost', (n) => proposalBlocks(proposal(Math.max(1, n)), 1, { metric: null, buttons: false })],
  [
    'meetings list',
    (n) =>
      meetingsList(
        'P',
        [
          {
            question: 'Which?',
            scheduled_at: at(2),
            status: 'collecting',
            closed_at: null,
            proposals: n,
            link: null,
            prereadLink: null,
          },
        ],
        NOW,
      ),
  ],
  [
    'kickoff and lead controls',
    (n) => {
      const m = {
        id: 1,
        question: 'Which model next?',
        scheduled_at: at(3),
        proposal_deadline: at(2),
        participants: Array.from({ length: n }, (_, i) => `U${i}`),
        metric: null,
        status: 'collecting' as const,
        closed_at: null,
      };
      return [kickoffMessage(m, 'U0LEAD'), leadControlsMessage(m)];
    },
  ],
  [
    'design review state',
    (n) => [
      reviewStateText({
        kind: 'in_review',
        approvals: n,
        of: Math.max(1, n),
        dueDate: '2026-12-01',
      } as never),
      reviewStateText({ kind: 'changes_requested', approvals: 0, of: Math.max(1, n), by: ['U1'] } as never),
    ],
  ],
  [
    'design doc',
    (n) =>
      designDocMessage({
        projectId: 1,
        projectName: 'P',
        reviewState: 'Draft',
        sections: Array.from({ length: 2 }, (_, i) => ({
          key: `s${i}`,
          title: `Section ${i}`,
          content: i < n ? 'text' : null,
          author: null,
          at: null,
        })),
        overallComments: [],
      } as never),
  ],
  ['digest', (n) => digestMessage(digestWith(n))],
  [
    'home tab',
    (n) =>
      homeView({
        userId: 'U0OWNER',
        now: NOW,
        running: { rows: [hypothesis(n)], total: n + 20 },
        awaitingCheckIn: { rows: [], total: 0 },
        projects: [],
      }),
  ],
];

describe('counts read right', () => {
  it.each(BUILDERS)('%s, with counts 0, 1 and 2', (_, render) => {
    const problems = [0, 1, 2].flatMap((n) => wordingProblems(render(n)).map((p) => `n=${n}: ${p}`));
    expect(problems).toEqual([]);
  });

  it('catches the kinds of wording it is there for', () => {
    for (const bad of [
      'Timebox 1 days',
      '3 project(s)',
      '2 hypothesis(es)',
      '0 of 2 reviewers',
      'took 1.0 d',
      '15 of 14 planned days',
    ])
      expect(wordingProblems(bad), bad).not.toEqual([]);
  });

  it('writes counts through one helper', () => {
    expect([0, 1, 2].map((n) => count(n, 'hypothesis'))).toEqual([
      '0 hypotheses',
      '1 hypothesis',
      '2 hypotheses',
    ]);
    expect(count(1.0, 'day')).toBe('1 day');
    expect(count(2.45, 'day')).toBe('2.5 days');
    expect(count(2, 'experiment log entry')).toBe('2 experiment log entries');
    expect(ofTotal(0, 1, 'reviewer')).toBe('none of 1 reviewer');
  });

  it('cuts typed text at a word, never inside one', () => {
    expect(cutWords('probability calibration on head classes', 20)).toBe('probability…');
  });
});

describe('days counted the way people count them', () => {
  const start = new Date('2026-11-02T09:00:00Z');
  const facts = (o: { timebox: number; extensions?: number; dueDays?: number; concludedAfter: number }) => ({
    timebox_days: o.timebox,
    extension_count: o.extensions ?? 0,
    started_at: start,
    due_at: new Date(start.getTime() + (o.dueDays ?? o.timebox) * DAY),
    concluded_at: new Date(start.getTime() + o.concludedAfter),
  });

  it('a check-in answered a minute after the timebox ended took the timebox, on time', () => {
    expect(timeboxPhrase(timeboxSpan(facts({ timebox: 14, concludedAfter: 14 * DAY + 60_000 })))).toBe(
      '14 days, on time',
    );
    // …and after a weekend's wait for working hours too.
    expect(timeboxPhrase(timeboxSpan(facts({ timebox: 2, concludedAfter: 4.3 * DAY })))).toBe(
      '2 days, on time',
    );
  });

  it('an early conclusion says so, in days begun', () => {
    expect(timeboxPhrase(timeboxSpan(facts({ timebox: 10, concludedAfter: 3.2 * DAY })))).toBe(
      'concluded early, 4 of 10 days',
    );
    expect(timeboxPhrase(timeboxSpan(facts({ timebox: 2, concludedAfter: 3_600_000 })))).toBe(
      'concluded early, 1 of 2 days',
    );
  });

  it('an extended one shows the plan and the extensions', () => {
    // Boxed at 14 days, extended twice to run 31 from its start; answered after it ended.
    const span = timeboxSpan(
      facts({ timebox: 14, extensions: 2, dueDays: 31, concludedAfter: 31 * DAY + 7_200_000 }),
    );
    expect(timeboxPhrase(span)).toBe('31 days: planned 14, extended twice');
    expect(span.days).toBe(31);
    const early = timeboxSpan(facts({ timebox: 14, extensions: 1, dueDays: 21, concludedAfter: 18.5 * DAY }));
    expect(timeboxPhrase(early)).toBe('19 days: planned 14, extended once, concluded early');
  });

  it('/hypothesis stats counts the same days as the announcement', () => {
    const rows = [
      {
        status: 'validated',
        ...facts({ timebox: 14, extensions: 2, dueDays: 31, concludedAfter: 31 * DAY + 60_000 }),
      },
      { status: 'disproven', ...facts({ timebox: 10, concludedAfter: 10 * DAY + 60_000 }) },
    ];
    const stats = computeStats(rows);
    expect(stats.meanPlannedDays).toBe(12);
    expect(stats.meanActualDays).toBe(20.5);
    expect(rows.map((r) => timeboxSpan(r).days)).toEqual([31, 10]);
  });

  it('a hypothesis never started says so', () => {
    expect(
      timeboxPhrase(
        timeboxSpan({
          timebox_days: 5,
          extension_count: 0,
          started_at: null,
          due_at: null,
          concluded_at: NOW,
        }),
      ),
    ).toBe('never started (timebox 5 days)');
  });
});

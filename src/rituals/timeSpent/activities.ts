import { z } from 'zod';
/**
 * Where the time of an experiment went, by activity, so estimates improve and projects can
 * be compared ("log every activity and track the time it took").
 */
export const ACTIVITIES = [
  { id: 'data', label: 'Data work', words: ['data', 'labelling', 'labeling', 'cleaning'] },
  { id: 'modelling', label: 'Modelling', words: ['modelling', 'modeling', 'model', 'training'] },
  {
    id: 'evaluation',
    label: 'Evaluation and error analysis',
    words: ['evaluation', 'eval', 'errors', 'analysis', 'error-analysis'],
  },
  { id: 'infrastructure', label: 'Infrastructure', words: ['infrastructure', 'infra', 'ops', 'pipeline'] },
  {
    id: 'waiting',
    label: 'Waiting (compute, labels, reviews)',
    words: ['waiting', 'wait', 'compute', 'queue', 'review'],
  },
] as const;
export type Activity = (typeof ACTIVITIES)[number]['id'];
export const ACTIVITY_IDS = ACTIVITIES.map((a) => a.id) as Activity[];
export const activityLabel = (id: string) => ACTIVITIES.find((a) => a.id === id)?.label ?? id;

/** At most a fortnight of round-the-clock work in one entry: anything more is a typo. */
export const MAX_MINUTES = 14 * 24 * 60;

export interface SpentEntry {
  minutes: number;
  activity: Activity;
  hypothesisNumber: number;
}

/** "3h", "1.5h", "90m", "2h30m" → minutes; null when not a duration. */
export function parseDuration(word: string): number | null {
  const m = /^(?:(\d+(?:[.,]\d+)?)h)?(?:(\d+)m(?:in)?)?$/i.exec(word.trim());
  if (!m || (!m[1] && !m[2])) return null;
  const minutes = Math.round(Number((m[1] ?? '0').replace(',', '.')) * 60 + Number(m[2] ?? 0));
  return minutes > 0 && minutes <= MAX_MINUTES ? minutes : null;
}

/** `3h data H3`, in any order: a duration, an activity, a hypothesis. */
export function parseSpent(args: string): SpentEntry | null {
  let minutes: number | null = null;
  let activity: Activity | null = null;
  let hypothesisNumber: number | null = null;
  for (const word of args.trim().split(/\s+/).filter(Boolean)) {
    const lower = word.toLowerCase();
    const h = /^h(\d+)$/i.exec(word);
    const found = ACTIVITIES.find((a) => (a.words as readonly string[]).includes(lower));
    if (h && hypothesisNumber === null) hypothesisNumber = Number(h[1]);
    else if (found && activity === null) activity = found.id;
    else if (minutes === null && parseDuration(word) !== null) minutes = parseDuration(word);
    else return null;
  }
  return minutes !== null && activity !== null && hypothesisNumber !== null
    ? { minutes, activity, hypothesisNumber }
    : null;
}

/** "1 h", "2.5 h", "45 min". */
export function formatMinutes(minutes: number): string {
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.round((minutes / 60) * 10) / 10;
  return `${hours} h`;
}

/** Hours per activity over a set of entries, in the fixed activity order. */
export function byActivity(entries: { activity: string; minutes: number }[]): Record<Activity, number> {
  const totals = Object.fromEntries(ACTIVITY_IDS.map((a) => [a, 0])) as Record<Activity, number>;
  for (const e of entries) if (e.activity in totals) totals[e.activity as Activity] += e.minutes;
  return totals;
}

/** The check-in form's hour fields, one per activity, keyed by their block ids; blank is none. */
export const spentFieldId = (activity: Activity) => `spent_${activity}`;

const hoursField = z
  .string()
  .nullish()
  .transform((v, ctx) => {
    if (!v) return 0;
    const hours = Number(v);
    if (!Number.isFinite(hours) || hours < 0 || hours * 60 > MAX_MINUTES) {
      ctx.addIssue({ code: 'custom', message: 'Hours, e.g. 6 or 1.5; leave it blank if none.' });
      return z.NEVER;
    }
    return Math.round(hours * 60);
  });

export const spentShape = Object.fromEntries(
  ACTIVITY_IDS.map((a) => [spentFieldId(a), hoursField]),
) as Record<`spent_${Activity}`, typeof hoursField>;

/**
 * The Home tab's *Log time* form: one entry, as `/hypothesis spent` takes it. The block ids
 * are the field names, so each message shows under its own input.
 */
export const LogTimeForm = z.object({
  hypothesis: z.coerce
    .number({ error: 'Pick the hypothesis the time went to.' })
    .int()
    .positive({ error: 'Pick the hypothesis the time went to.' }),
  activity: z.enum(ACTIVITY_IDS as [Activity, ...Activity[]], { error: 'Pick what the time went on.' }),
  hours: hoursField.refine((minutes) => minutes > 0, { error: 'How many hours, e.g. 3 or 1.5.' }),
});
export type LogTimeForm = z.output<typeof LogTimeForm>;

/** The form's minutes, by activity. */
export const minutesOf = (form: Record<`spent_${Activity}`, number>): Record<Activity, number> =>
  Object.fromEntries(ACTIVITY_IDS.map((a) => [a, form[`spent_${a}`]])) as Record<Activity, number>;

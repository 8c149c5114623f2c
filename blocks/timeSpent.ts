import type { KnownBlock } from '@slack/types';
import {
  ACTIVITIES,
  formatMinutes,
  spentFieldId,
  type Activity,
} from '../src/rituals/timeSpent/activities.js';
import { md, plain } from './text.js';

/** Where the time went, in the check-in form: optional, blank, so skipping costs nothing. */
export function timeSpentInputs(): KnownBlock[] {
  return [
    {
      type: 'context',
      elements: [md('*Where did the time go?* Hours per activity, if you know; leave blank to skip.')],
    },
    ...ACTIVITIES.map((a): KnownBlock => ({
      type: 'input',
      block_id: spentFieldId(a.id),
      optional: true,
      label: plain(`${a.label} (hours)`, 2000),
      element: {
        type: 'number_input',
        action_id: spentFieldId(a.id),
        is_decimal_allowed: true,
        min_value: '0',
      },
    })),
  ];
}

/** "data 12 h (40%) · modelling 9 h (30%) · …", activities with time only. */
export function activityLine(minutes: Record<Activity, number>): string | null {
  const total = Object.values(minutes).reduce((a, b) => a + b, 0);
  if (total === 0) return null;
  return ACTIVITIES.filter((a) => minutes[a.id] > 0)
    .map(
      (a) =>
        `${a.label.toLowerCase()} ${formatMinutes(minutes[a.id])} (${Math.round((100 * minutes[a.id]) / total)}%)`,
    )
    .join(' · ');
}

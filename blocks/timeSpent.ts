import type { KnownBlock, ModalView } from '@slack/types';
import type { KindCalibration } from '../src/rituals/timeSpent/calibration.js';
import {
  ACTIVITIES,
  formatMinutes,
  spentFieldId,
  type Activity,
} from '../src/rituals/timeSpent/activities.js';
import { ids } from './ids.js';
import { LIMITS } from './limits.js';
import { count, md, plain } from './text.js';

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

/** *Log time* from the Home tab: which running hypothesis, on what, how long. */
export function logTimeModal(
  running: { id: number; number: number; project_name: string; statement: string }[],
): ModalView {
  return {
    type: 'modal',
    callback_id: ids.timeSpent.modal,
    title: plain('Log time', 24),
    submit: plain('Log it', 24),
    close: plain('Cancel', 24),
    private_metadata: JSON.stringify({ from: 'home' }),
    blocks: [
      {
        type: 'context',
        elements: [md('Time goes into the experiment log, as with `/hypothesis spent 3h data H3`.')],
      },
      {
        type: 'input',
        block_id: 'hypothesis',
        label: plain('Hypothesis', 2000),
        element: {
          type: 'static_select',
          action_id: 'hypothesis',
          placeholder: plain('One of your running hypotheses', 150),
          ...(running.length === 1 ? { initial_option: hypothesisOption(running[0]!) } : {}),
          options: running.slice(0, LIMITS.selectOptions).map(hypothesisOption),
        },
      },
      {
        type: 'input',
        block_id: 'activity',
        label: plain('Spent on', 2000),
        element: {
          type: 'static_select',
          action_id: 'activity',
          placeholder: plain('Activity', 150),
          options: ACTIVITIES.map((a) => ({ text: plain(a.label, LIMITS.optionText), value: a.id })),
        },
      },
      {
        type: 'input',
        block_id: 'hours',
        label: plain('Hours', 2000),
        hint: plain('e.g. 3 or 1.5', 2000),
        element: { type: 'number_input', action_id: 'hours', is_decimal_allowed: true, min_value: '0' },
      },
    ],
  };
}

function hypothesisOption(h: { id: number; number: number; project_name: string; statement: string }) {
  return {
    text: plain(`H${h.number} (${h.project_name}): ${h.statement}`, LIMITS.optionText),
    value: String(h.id),
  };
}

/** What the modal turns into once the time is logged. */
export function loggedTimeModal(text: string): ModalView {
  return {
    type: 'modal',
    callback_id: ids.timeSpent.modal,
    title: plain('Log time', 24),
    close: plain('Done', 24),
    blocks: [{ type: 'section', text: md(`:clock3: Logged. ${text}`) }],
  };
}

const times = (ratio: number) => `${ratio.toFixed(1)}×`;
const meanDays = (n: number) => count(n, 'day');

/**
 * "*State of the art*: 3 concluded · planned 10 days, took 17.3 days on average (1.7× the
 * timebox) · 1 extended · time logged: modelling 40 h (60%) · …", for `/hypothesis stats`.
 */
export function kindLine(k: KindCalibration): string {
  const extended = k.extended ? ` · ${k.extended} extended` : '';
  const logged = activityLine(k.minutes);
  return (
    `*${k.label}*: ${k.concluded} concluded · planned ${meanDays(k.meanPlannedDays)}, took ${meanDays(k.meanActualDays)} on average (${times(k.ratio)} the timebox)${extended}` +
    (logged ? ` · time logged: ${logged}` : '')
  );
}

/** "state of the art 1.8× (2) · simple/standard 0.9× (1)", the digest's compact form. */
export function kindsInBrief(kinds: KindCalibration[]): string {
  return kinds.map((k) => `${k.label.toLowerCase()} ${times(k.ratio)} (${k.concluded})`).join(' · ');
}

import type { Button, HomeView, KnownBlock, Overflow } from '@slack/types';
import { CHECKIN_ANSWERS } from './checkin.js';
import { dueText, type HypothesisView } from './hypothesis.js';
import { ids } from './ids.js';
import { LIMITS } from './limits.js';
import { md, mention, plain, userText } from './text.js';

type Listed = HypothesisView & { project_name: string };

export interface HomeInput {
  userId: string;
  now: Date;
  running: { rows: Listed[]; total: number };
  awaitingCheckIn: { rows: Listed[]; total: number };
  projects: { name: string; channel_id: string; lead_user_id: string }[];
}

// Each list is capped so the Home tab stays within Slack's 100 blocks.
export const HOME_LIST_CAP = 20;
const CAP = HOME_LIST_CAP;

/**
 * The check-in's five answers as an overflow menu (Slack allows at most five options). A
 * hypothesis still inside its timebox may be concluded early, not extended.
 */
function answerMenu(h: Listed, extend: boolean): Overflow {
  return {
    type: 'overflow',
    action_id: ids.checkin.fromHome,
    options: CHECKIN_ANSWERS.filter((a) => extend || a.answer !== 'extend').map(({ answer, label }) => ({
      text: plain(label, LIMITS.optionText),
      value: JSON.stringify({ hypothesisId: h.id, round: h.extension_count ?? 0, answer }),
    })),
  };
}

/** *Log time* only when something is running (or past its timebox, awaiting its answer) to log it on. */
function logTimeButton(input: HomeInput): Button[] {
  if (input.running.total + input.awaitingCheckIn.total === 0) return [];
  return [{ type: 'button', action_id: ids.timeSpent.open, text: plain('Log time', 75), value: 'home' }];
}

export function homeView(input: HomeInput): HomeView {
  const line = (h: HypothesisView & { project_name: string }) =>
    md(
      `*H${h.number}* _(${userText(h.project_name, 60)})_ ${userText(h.statement, 300)}\n${dueText(h, input.now)}`,
    );
  const blocks: KnownBlock[] = [
    { type: 'header', text: plain('Your experiments', LIMITS.headerText) },
    {
      type: 'actions',
      elements: [
        {
          type: 'button',
          action_id: ids.hypothesis.open,
          style: 'primary',
          text: plain('New hypothesis', 75),
          value: 'home',
        },
        {
          type: 'button',
          action_id: ids.project.open,
          text: plain('New project', 75),
          value: JSON.stringify({}),
        },
        ...logTimeButton(input),
      ],
    },
  ];
  const ended = (h: Listed) => !!h.due_at && h.due_at.getTime() <= input.now.getTime();
  const list = (title: string, items: { rows: Listed[]; total: number }, empty: string) => {
    blocks.push({ type: 'section', text: md(`*${title}*`) });
    if (items.total === 0) blocks.push({ type: 'context', elements: [md(empty)] });
    const shown = items.rows.slice(0, CAP);
    for (const h of shown) {
      blocks.push({ type: 'section', text: line(h), accessory: answerMenu(h, ended(h)) });
    }
    if (items.total > shown.length)
      blocks.push({
        type: 'context',
        elements: [md(`…and ${items.total - shown.length} more: \`/hypothesis mine\` lists them all.`)],
      });
  };
  blocks.push({ type: 'divider' });
  list(
    'Check-ins waiting for you',
    input.awaitingCheckIn,
    'None. When a timebox ends, its check-in shows up here and in a DM.',
  );
  blocks.push({ type: 'divider' });
  list('Your running hypotheses', input.running, 'Nothing running. Write one down with `/hypothesis new`.');
  blocks.push({ type: 'divider' }, { type: 'section', text: md('*Your projects*') });
  if (input.projects.length === 0)
    blocks.push({ type: 'context', elements: [md('You lead or belong to no project yet.')] });
  const shown = input.projects.slice(0, CAP);
  if (shown.length) {
    blocks.push({
      type: 'section',
      text: md(
        shown
          .map(
            (p) =>
              `• *${userText(p.name, 80)}* in <#${p.channel_id}>${p.lead_user_id === input.userId ? ' (you lead it)' : ` · lead ${mention(p.lead_user_id)}`}`,
          )
          .join('\n'),
      ),
    });
  }
  return { type: 'home', blocks };
}

import type { KnownBlock, ModalView } from '@slack/types';
import type { ReviewState } from '../src/rituals/designReview/review.js';
import { fullDocGroups, type DocSection } from './designDoc.js';
import { ids } from './ids.js';
import { LIMITS } from './limits.js';
import { packMessages } from './meetingPreread.js';
import { md, mention, ofTotal, plain, slackDate, userText } from './text.js';

type Message = { text: string; blocks: KnownBlock[] };

const day = (at: Date) => slackDate(at, at.toISOString().slice(0, 10));
const people = (ids: string[]) => ids.map(mention).join(', ');
/** 'YYYY-MM-DD' as "Fri 4 Dec": a calendar date, the same in every zone. */
const calendarDate = (date: string) =>
  new Date(`${date}T12:00:00Z`).toLocaleDateString('en-GB', {
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    timeZone: 'UTC',
  });

/** The review state in one line, for the doc, the project card and the digest. */
export function reviewStateText(state: ReviewState): string {
  switch (state.kind) {
    case 'draft':
      return 'Draft: not reviewed yet';
    case 'in_review':
      return `In review: ${ofTotal(state.approvals, state.of, 'reviewer')} approved, due ${calendarDate(state.dueDate)}`;
    case 'approved':
      return `Approved on ${day(state.at)} by ${people(state.by)}`;
    case 'changes_requested':
      return `Changes requested by ${people(state.by)} (${ofTotal(state.approvals, state.of, 'reviewer')} approved)`;
  }
}

export function requestReviewModal(input: {
  projectName: string;
  initialDate: string;
  privateMetadata: string;
}): ModalView {
  return {
    type: 'modal',
    callback_id: ids.review.requestModal,
    title: plain('Request review', LIMITS.viewTitle),
    submit: plain('Request', LIMITS.viewSubmit),
    close: plain('Cancel', LIMITS.viewSubmit),
    private_metadata: input.privateMetadata,
    blocks: [
      {
        type: 'context',
        elements: [md(`Design doc of *${userText(input.projectName, 200)}*`)],
      },
      {
        type: 'input',
        block_id: 'reviewers',
        label: plain('Reviewers', 2000),
        hint: plain(
          'Each gets the doc in a DM during their working hours, with Approve and Request changes.',
          2000,
        ),
        element: { type: 'multi_users_select', action_id: 'reviewers', max_selected_items: 10 },
      },
      {
        type: 'input',
        block_id: 'dueDate',
        label: plain('Review by', 2000),
        hint: plain('Reviewers who have not answered get one reminder on this day.', 2000),
        element: { type: 'datepicker', action_id: 'dueDate', initial_date: input.initialDate },
      },
    ],
  };
}

export interface ReviewAsk {
  reviewId: number;
  projectId: number;
  projectName: string;
  requestedBy: string;
  dueDate: string;
  sections: DocSection[];
  reminder: boolean;
}

/**
 * The reviewer's DM: what is asked and by when, the three buttons, then the doc in full;
 * what does not fit the first message follows in its thread.
 */
export function reviewAskMessages(a: ReviewAsk): { first: Message; rest: Message[] } {
  const name = userText(a.projectName, 200);
  const ask = a.reminder
    ? `Reminder: ${mention(a.requestedBy)} asked you to review the design doc of *${name}* by *${calendarDate(a.dueDate)}*, which is today.`
    : `${mention(a.requestedBy)} asks you to review the design doc of *${name}* by *${calendarDate(a.dueDate)}*.`;
  const intro: KnownBlock[] = [
    { type: 'section', text: md(ask) },
    {
      type: 'actions',
      elements: [
        {
          type: 'button',
          style: 'primary',
          action_id: ids.review.approve,
          text: plain('Approve', LIMITS.buttonText),
          value: String(a.reviewId),
        },
        {
          type: 'button',
          action_id: ids.review.requestChanges,
          text: plain('Request changes', LIMITS.buttonText),
          value: String(a.reviewId),
        },
        {
          type: 'button',
          action_id: ids.review.openDoc,
          text: plain('Open the doc', LIMITS.buttonText),
          value: String(a.projectId),
        },
      ],
    },
    { type: 'divider' },
  ];
  const text = (i: number) =>
    i === 0
      ? `${a.reminder ? 'Reminder: review' : 'Review'} the design doc of ${userText(a.projectName, 80)}`
      : `Design doc of ${userText(a.projectName, 80)}, continued`;
  const [first, ...rest] = packMessages([intro, ...fullDocGroups(a.sections)], text);
  return { first: first!, rest };
}

/** Request changes: one optional comment per section, and one on the doc as a whole. */
export function requestChangesModal(input: {
  projectName: string;
  sections: DocSection[];
  max: number;
  privateMetadata: string;
}): ModalView {
  const comment = (blockId: string, label: string, hint?: string): KnownBlock => ({
    type: 'input',
    block_id: blockId,
    optional: true,
    label: plain(label, 2000),
    ...(hint ? { hint: plain(hint, 2000) } : {}),
    element: { type: 'plain_text_input', action_id: blockId, multiline: true, max_length: input.max },
  });
  return {
    type: 'modal',
    callback_id: ids.review.changesModal,
    title: plain('Request changes', LIMITS.viewTitle),
    submit: plain('Send', LIMITS.viewSubmit),
    close: plain('Cancel', LIMITS.viewSubmit),
    private_metadata: input.privateMetadata,
    blocks: [
      {
        type: 'context',
        elements: [
          md(
            `Design doc of *${userText(input.projectName, 200)}*. Comment on the sections that need changes; the author sees each comment under its section.`,
          ),
        ],
      },
      comment('overall', 'Overall', 'About the doc as a whole.'),
      ...input.sections.map((s) => comment(`section.${s.key}`, s.title)),
    ],
  };
}

/** To the lead, once: the date has passed and some reviewers have not answered. */
export function reviewStalledMessage(input: {
  projectName: string;
  dueDate: string;
  waitingFor: string[];
  state: ReviewState;
}): Message {
  const n = input.waitingFor.length;
  const text = `The design review of ${userText(input.projectName, 200)} is stalled: it was due ${calendarDate(input.dueDate)} and ${n === 1 ? '1 reviewer has' : `${n} reviewers have`} not answered (${people(input.waitingFor)}).`;
  return {
    text,
    blocks: [
      { type: 'section', text: md(text) },
      {
        type: 'context',
        elements: [
          md(`${reviewStateText(input.state)}. Nudge them, or request a new review with other reviewers.`),
        ],
      },
    ],
  };
}

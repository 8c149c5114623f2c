import type { KnownBlock, ModalView } from '@slack/types';
import { ids } from './ids.js';
import { LIMITS } from './limits.js';
import { packMessages } from './meetingPreread.js';
import { md, mention, ofTotal, plain, slackDate, userText } from './text.js';

type Message = { text: string; blocks: KnownBlock[] };

/** A section as a reader sees it: its title and its current text, if any. */
export interface DocSection {
  key: string;
  title: string;
  content?: string;
}

export interface SectionView {
  key: string;
  title: string;
  guide: string;
  content?: string;
  author?: string;
  editedAt?: Date;
  /** Review comments on this section, newest last. */
  comments?: ReviewCommentView[];
}

export interface ReviewCommentView {
  reviewer: string;
  text: string;
  at: Date;
  addressed: boolean;
}

// A comment shown under its section is cut here; the reviewer's full words stay in the
// modal they sent and in the database, and the doc stays under 50 blocks.
const COMMENT_SHOWN = 600;

function commentsBlock(comments: ReviewCommentView[]): KnownBlock {
  const lines = comments.map(
    (c) =>
      `${c.addressed ? ':white_check_mark: _addressed_ ·' : ':speech_balloon:'} ${mention(c.reviewer)}: ${userText(c.text, COMMENT_SHOWN)}`,
  );
  return { type: 'context', elements: [md(userTextSafe(lines.join('\n')))] };
}

/** The design doc at a glance: each section with its current text and an Edit button. */
export function designDocMessage(input: {
  projectId: number;
  projectName: string;
  sections: SectionView[];
  /** The review state in words (see reviewStateText). */
  reviewState: string;
  overallComments: ReviewCommentView[];
}): {
  text: string;
  blocks: KnownBlock[];
} {
  const filled = input.sections.filter((s) => s.content).length;
  const blocks: KnownBlock[] = [
    { type: 'header', text: plain(`Design doc · ${input.projectName}`, LIMITS.headerText) },
    {
      type: 'context',
      elements: [
        md(
          `*${input.reviewState}* · ${ofTotal(filled, input.sections.length, 'section')} written. Every edit is kept with its author and time.`,
        ),
      ],
    },
  ];
  if (input.overallComments.length > 0) blocks.push(commentsBlock(input.overallComments));
  for (const s of input.sections) {
    const body = s.content ? userText(s.content, 600) : `_Not written yet._ ${s.guide}`;
    const edited =
      s.author && s.editedAt
        ? `\n_${mention(s.author)}, ${slackDate(s.editedAt, s.editedAt.toISOString().slice(0, 10))}_`
        : '';
    blocks.push({
      type: 'section',
      text: md(userTextSafe(`*${s.title}*\n${body}${edited}`)),
      accessory: {
        type: 'button',
        action_id: `${ids.design.editSection}.${s.key}`,
        text: plain(s.content ? 'Edit' : 'Write', LIMITS.buttonText),
        value: JSON.stringify({ projectId: input.projectId, section: s.key }),
      },
    });
    if (s.comments?.length) blocks.push(commentsBlock(s.comments));
  }
  blocks.push({
    type: 'actions',
    elements: [
      {
        type: 'button',
        action_id: ids.design.editAll,
        text: plain('Edit all sections', LIMITS.buttonText),
        value: String(input.projectId),
      },
      {
        type: 'button',
        action_id: ids.review.request,
        text: plain('Request review', LIMITS.buttonText),
        value: String(input.projectId),
      },
      {
        type: 'button',
        action_id: ids.design.share,
        text: plain('Share in channel', LIMITS.buttonText),
        value: String(input.projectId),
      },
      {
        type: 'button',
        action_id: ids.design.export,
        text: plain('Export as Markdown', LIMITS.buttonText),
        value: String(input.projectId),
      },
    ],
  });
  return { text: `Design doc of ${userText(input.projectName, 80)}`, blocks };
}

// Section bodies are already escaped and cut; this only guards the block limit.
const userTextSafe = (text: string) =>
  text.length > LIMITS.sectionText ? text.slice(0, LIMITS.sectionText - 1) + '…' : text;

export function designSectionModal(input: {
  section: SectionView;
  projectName: string;
  max: number;
  history: { content: string; author: string; at: Date }[];
  privateMetadata: string;
}): ModalView {
  const { section } = input;
  const blocks: KnownBlock[] = [
    { type: 'context', elements: [md(`*${userText(input.projectName, 200)}* · ${section.title}`)] },
    {
      type: 'input',
      block_id: 'content',
      label: plain(section.title, 2000),
      hint: plain(section.guide, 2000),
      element: {
        type: 'plain_text_input',
        action_id: 'content',
        multiline: true,
        max_length: input.max,
        ...(section.content ? { initial_value: section.content.slice(0, input.max) } : {}),
      },
    },
  ];
  if (input.history.length > 0) {
    blocks.push({ type: 'divider' }, { type: 'section', text: md('*Earlier versions*, newest first') });
    for (const v of input.history) {
      blocks.push({
        type: 'context',
        elements: [
          md(
            `${mention(v.author)}, ${slackDate(v.at, v.at.toISOString().slice(0, 10), '{date_short} {time}')}:\n${userText(v.content, 1500)}`,
          ),
        ],
      });
    }
  }
  return {
    type: 'modal',
    callback_id: ids.design.sectionModal,
    title: plain('Design doc', LIMITS.viewTitle),
    submit: plain('Save', LIMITS.viewSubmit),
    close: plain('Cancel', LIMITS.viewSubmit),
    private_metadata: input.privateMetadata,
    blocks,
  };
}

/**
 * Every section in one modal (12 inputs, far under the 100-block limit). Each section
 * changed becomes its own new version, so per-section history reads as before.
 */
export function editAllModal(input: {
  projectName: string;
  sections: SectionView[];
  max: number;
  privateMetadata: string;
}): ModalView {
  return {
    type: 'modal',
    callback_id: ids.design.editAllModal,
    title: plain('Design doc', LIMITS.viewTitle),
    submit: plain('Save', LIMITS.viewSubmit),
    close: plain('Cancel', LIMITS.viewSubmit),
    private_metadata: input.privateMetadata,
    blocks: [
      {
        type: 'context',
        elements: [
          md(
            `*${userText(input.projectName, 200)}* · every section. Only sections you change get a new version; earlier versions are kept.`,
          ),
        ],
      },
      ...input.sections.map((s): KnownBlock => ({
        type: 'input',
        block_id: s.key,
        optional: true,
        label: plain(s.title, 2000),
        hint: plain(s.guide, 2000),
        element: {
          type: 'plain_text_input',
          action_id: s.key,
          multiline: true,
          max_length: input.max,
          ...(s.content ? { initial_value: s.content.slice(0, input.max) } : {}),
        },
      })),
    ],
  };
}

/**
 * Text split into pieces of at most `max` characters at whitespace, so a long section
 * is shown whole over several blocks instead of cut; a word longer than `max` is split.
 */
export function splitText(text: string, max: number): string[] {
  const pieces: string[] = [];
  let rest = text.trim();
  while (rest.length > max) {
    const cut = rest.lastIndexOf(' ', max);
    const newline = rest.lastIndexOf('\n', max);
    const at = Math.max(cut, newline) > max / 2 ? Math.max(cut, newline) : max;
    pieces.push(rest.slice(0, at).trimEnd());
    rest = rest.slice(at).trimStart();
  }
  if (rest) pieces.push(rest);
  return pieces;
}

/** Every section in full, each as its own group of blocks (a long one over several). */
export function fullDocGroups(sections: DocSection[]): KnownBlock[][] {
  return sections.map((s) => {
    if (!s.content) return [{ type: 'section', text: md(`*${s.title}*\n_Not written yet._`) }];
    const [first = '', ...more] = splitText(
      userText(s.content, 100_000),
      LIMITS.sectionText - s.title.length - 8,
    );
    return [
      { type: 'section', text: md(`*${s.title}*\n${first}`) },
      ...more.map((piece): KnownBlock => ({ type: 'section', text: md(piece) })),
    ];
  });
}

/**
 * The doc shared in its channel: the message is a summary (review state, each section's
 * heading and whether it is written) so the channel stays readable, and the doc in full
 * follows in its thread, over as many replies as the limits take.
 */
export function sharedDocMessages(input: {
  projectName: string;
  sharedBy: string;
  reviewState: string;
  sections: DocSection[];
}): { summary: Message; thread: Message[] } {
  const name = userText(input.projectName, 200);
  const headings = input.sections
    .map((s) => `${s.content ? ':page_facing_up:' : ':white_square:'} ${s.title}`)
    .join('\n');
  const filled = input.sections.filter((s) => s.content).length;
  const summary: Message = {
    text: `Design doc of ${userText(input.projectName, 80)}, shared by ${mention(input.sharedBy)}`,
    blocks: [
      { type: 'header', text: plain(`Design doc · ${input.projectName}`, LIMITS.headerText) },
      {
        type: 'context',
        elements: [
          md(
            `*${input.reviewState}* · ${ofTotal(filled, input.sections.length, 'section')} written · shared by ${mention(input.sharedBy)}`,
          ),
        ],
      },
      { type: 'section', text: md(headings) },
      { type: 'context', elements: [md(`The full doc is in the thread. Discuss ${name} there.`)] },
    ],
  };
  const thread = packMessages(
    fullDocGroups(input.sections),
    (i) => `Design doc of ${userText(input.projectName, 80)}, part ${i + 1}`,
  );
  return { summary, thread };
}

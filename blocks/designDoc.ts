import type { KnownBlock, ModalView } from '@slack/types';
import { ids } from './ids.js';
import { LIMITS } from './limits.js';
import { md, mention, plain, slackDate, userText } from './text.js';

export interface SectionView {
  key: string;
  title: string;
  guide: string;
  content?: string;
  author?: string;
  editedAt?: Date;
}

/** The design doc at a glance: each section with its current text and an Edit button. */
export function designDocMessage(input: {
  projectId: number;
  projectName: string;
  sections: SectionView[];
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
          `${filled} of ${input.sections.length} sections written. Every edit is kept with its author and time.`,
        ),
      ],
    },
  ];
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
  }
  blocks.push({
    type: 'actions',
    elements: [
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

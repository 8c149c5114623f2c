import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { makeProject } from '../support/factories.js';
import { openSandboxPage, type SandboxPage } from '../support/sandboxPage.js';
import {
  actAs,
  conversationLog,
  dialog,
  field,
  openChannel,
  openHome,
  PEOPLE,
  send,
  visible,
} from '../support/sandboxWeek.js';

/**
 * The sandbox page where people get things wrong or late: Labbook's answers must reach the
 * right person, in the right place, in words, and nothing may be stored that should not be.
 * Driven in headless Chromium by role and label.
 */
let s: SandboxPage;

beforeAll(async () => {
  s = await openSandboxPage();
  await makeProject(s.sandbox.labbook.db, {
    teamId: 'T0SANDBOX',
    channelId: 'C0RANKING',
    lead: 'U0ADA',
    members: ['U0GRACE', 'U0KENJI'],
  });
});
afterAll(() => s?.stop());
// Each test starts on a fresh page with nobody's modal open, whatever the last one left.
beforeEach(async () => {
  for (const person of ['U0ADA', 'U0GRACE', 'U0KENJI', 'U0PRIYA'])
    for (const { view } of s.sandbox.modal(person).views.reverse())
      await s.sandbox.close(view.id, { as: person });
  await s.page.goto(s.url);
});

const db = () => s.sandbox.labbook.db;
const count = async (table: 'decision_meetings' | 'proposals' | 'projects') =>
  Number(
    (
      await db()
        .selectFrom(table)
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );

async function callMeeting(page: Page, question: string): Promise<void> {
  await actAs(page, PEOPLE.ada);
  await openChannel(page);
  await send(page, '#ml-ranking', '/hypothesis meeting');
  const call = dialog(page, 'Decision meeting');
  await visible(call);
  await field(call, 'Question to decide').fill(question);
  await field(call, 'Participants').selectOption([{ label: PEOPLE.grace }, { label: PEOPLE.kenji }]);
  await call.getByRole('button', { name: 'Call meeting', exact: true }).click();
  await visible(conversationLog(page).getByText(question).first());
}

describe('the sandbox page', () => {
  it('tells a member who is not the lead, and only them, that meetings are the lead’s to call', async () => {
    const meetingsBefore = await count('decision_meetings');
    await actAs(s.page, PEOPLE.kenji);
    await openChannel(s.page);
    await send(s.page, '#ml-ranking', '/hypothesis meeting');
    const refusal = conversationLog(s.page)
      .getByRole('listitem')
      .filter({ hasText: 'Only the project lead' });
    await visible(refusal);
    await visible(refusal.getByText('Only visible to you'));
    // Refused: no meeting was called (another test may have called one before).
    expect(await count('decision_meetings')).toBe(meetingsBefore);

    await actAs(s.page, PEOPLE.grace);
    await openChannel(s.page);
    await visible(conversationLog(s.page).getByRole('listitem').first()).catch(() => undefined);
    expect(await conversationLog(s.page).getByText('Only the project lead').count()).toBe(0);
  }, 60_000);

  it('shows Labbook’s inline error under the field, keeping what was typed', async () => {
    await actAs(s.page, PEOPLE.ada);
    await openHome(s.page);
    await s.page.getByRole('button', { name: 'New project', exact: true }).click();
    const form = dialog(s.page, 'New project');
    await visible(form);
    await field(form, 'Project name').fill('Query understanding');
    await field(form, 'Channel').selectOption({ label: '#ml-ranking' });
    await field(form, 'Problem statement').fill('Queries are misread: 9% of searches end in a rephrase.');
    await form.getByRole('button', { name: 'Create project', exact: true }).click();
    await visible(form.getByRole('alert').filter({ hasText: 'already has a project' }));
    expect(await field(form, 'Project name').inputValue()).toBe('Query understanding');
    expect(await count('projects')).toBe(1);
    await form.getByRole('button', { name: 'Cancel', exact: true }).click();
    await form.waitFor({ state: 'hidden' });
  }, 60_000);

  it('says so when a proposal form went stale: the lead cancelled the meeting meanwhile', async () => {
    await callMeeting(s.page, 'Do we keep the two-tower retriever?');
    // Kenji opens the proposal form on his screen…
    await actAs(s.page, PEOPLE.kenji);
    await openChannel(s.page);
    await conversationLog(s.page).getByRole('button', { name: 'Add a proposal' }).last().click();
    const form = dialog(s.page, 'Add a proposal');
    await visible(form);
    await field(form, 'Approach').fill('Distil the cross-encoder into the two towers');

    // …while Ada, on hers, cancels the meeting.
    const ada = await s.browser.newPage({ viewport: { width: 1280, height: 800 } });
    try {
      await ada.goto(s.url);
      await actAs(ada, PEOPLE.ada);
      await openChannel(ada);
      // The lead's controls are hers alone: she opens them, then cancels.
      await conversationLog(ada).getByRole('button', { name: 'Lead’s controls' }).last().click();
      await conversationLog(ada).getByRole('button', { name: 'Cancel meeting' }).last().click();
      await ada.getByRole('alertdialog').getByRole('button', { name: 'Cancel meeting' }).click();
      await visible(
        conversationLog(ada)
          .getByText(/cancelled/i)
          .first(),
      );
    } finally {
      await ada.close();
    }

    await field(form, 'Related work read').fill('Hofstätter et al. 2020');
    await field(form, 'Simple / standard option').check();
    await form.getByRole('button', { name: 'Propose', exact: true }).click();
    await visible(s.page.getByText(/cancelled/i).first());
    expect(await count('proposals')).toBe(0);
  }, 90_000);

  it('adds a person’s message to the experiment log from its More actions menu', async () => {
    await actAs(s.page, PEOPLE.grace);
    await openChannel(s.page);
    const note = 'Tried dropout 0.3 on the ranker: no change on tail queries.';
    await send(s.page, '#ml-ranking', note);
    const message = conversationLog(s.page).getByRole('listitem').filter({ hasText: note });
    await visible(message);
    await message.hover();
    await message.getByRole('button', { name: 'More actions' }).click();
    await s.page.getByRole('menuitem', { name: 'Add to experiment log' }).click();
    await visible(conversationLog(s.page).getByText('Added to the experiment log').first());
    const notes = await db()
      .selectFrom('experiment_log_entries')
      .select(['text', 'author_user_id'])
      .where('kind', '=', 'note')
      .where('text', '=', note)
      .execute();
    expect(notes).toEqual([{ text: note, author_user_id: 'U0GRACE' }]);
  }, 60_000);
});

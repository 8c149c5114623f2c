import type { Locator, Page } from 'playwright-core';

/**
 * One week of a team's life, played on the sandbox page as people would: by role and label,
 * never by CSS class. The browser test runs it and checks what each person sees; `npm run
 * screenshots` runs the same steps and photographs them, so the README's pictures are what the
 * test saw.
 *
 * Ada Lovelace leads #ml-ranking; Grace Hopper (New York) owns the first hypothesis; Kenji
 * Tanaka (Tokyo) and Grace bring proposals to the decision meeting.
 */
export const CHANNEL = 'ml-ranking';
export const PEOPLE = {
  ada: 'Ada Lovelace',
  grace: 'Grace Hopper',
  kenji: 'Kenji Tanaka',
  priya: 'Priya Raman',
} as const;

export type Shot = (name: string, what?: Locator) => Promise<void>;
const noShot: Shot = () => Promise.resolve();

/** Waits long enough for a round trip through Labbook on a busy two-core machine. */
export const SLOW = { timeout: 15_000 };

/** Waits until `what` is on screen (a round trip through Labbook at most), or throws saying what was missing. */
export const visible = (what: Locator): Promise<void> => what.waitFor({ state: 'visible', ...SLOW });

export async function actAs(page: Page, name: string): Promise<void> {
  const select = page.getByLabel('Acting as');
  const option = select.getByRole('option', { name: new RegExp(`^${name}`) });
  await select.selectOption((await option.getAttribute('value')) ?? name);
}

export async function openChannel(page: Page, name = CHANNEL): Promise<void> {
  await page
    .getByRole('navigation')
    .getByRole('button', { name: new RegExp(`${name}$`) })
    .click();
  await visible(composer(page, `#${name}`));
}

/** The person's DM with Labbook (Messages tab). */
export async function openDm(page: Page): Promise<void> {
  await page.getByRole('navigation').getByRole('button', { name: 'Messages', exact: true }).click();
  await visible(composer(page, 'Labbook'));
}

export async function openHome(page: Page): Promise<void> {
  await page.getByRole('navigation').getByRole('button', { name: 'Home', exact: true }).click();
}

export const composer = (page: Page, where: string): Locator =>
  page.getByRole('textbox', { name: `Message ${where}` });

/** Types into the conversation's composer and presses Enter. */
export async function send(page: Page, where: string, text: string): Promise<void> {
  const box = composer(page, where);
  await box.fill(text);
  await box.press('Enter');
}

export const dialog = (page: Page, title: string): Locator => page.getByRole('dialog', { name: title });

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The input labelled exactly `label`, as a person reads it (Slack adds "(optional)" to some). */
export const field = (form: Locator, label: string): Locator =>
  form.getByLabel(new RegExp(`^${escapeRegExp(label)}( \\(optional\\))?$`));

/** The conversation pane's messages (the `log` named after the channel or DM). */
export const conversationLog = (page: Page): Locator => page.getByRole('log').first();

/** Presses Submit (the modal's own submit text) and waits for that modal to go. */
async function submitDialog(modal: Locator, submitText: string): Promise<void> {
  await modal.getByRole('button', { name: submitText, exact: true }).click();
  await modal.waitFor({ state: 'hidden', ...SLOW });
}

export async function planProjectAndHypothesis(page: Page, shot: Shot = noShot): Promise<void> {
  await actAs(page, PEOPLE.ada);
  await openChannel(page);
  await send(page, `#${CHANNEL}`, '/hypothesis new');
  await page.getByRole('button', { name: 'Create a project here' }).click(SLOW);

  const project = dialog(page, 'New project');
  await visible(project);
  await field(project, 'Project name').fill('Search ranking');
  await field(project, 'Members').selectOption([{ label: PEOPLE.grace }, { label: PEOPLE.kenji }]);
  await field(project, 'Problem statement').fill(
    'Rare intents get poor results: 14% of searches, 31% of support tickets about search.',
  );
  await shot('01-new-project', project);
  await submitDialog(project, 'Create project');

  const form = dialog(page, 'New hypothesis');
  await visible(form);
  await field(form, 'Hypothesis').fill(
    'Focal loss will raise recall@10 on rare intents by 5% over the production ranker',
  );
  await field(form, 'Method').fill('Retrain the ranker with focal loss (gamma 2) on 90 days of clicks');
  await field(form, 'Metric').fill('recall@10 on rare intents');
  await field(form, 'Baseline').fill('Production ranker: 0.412 recall@10 on rare intents');
  await field(form, 'Success criteria').fill('recall@10 on rare intents ≥ 0.433 (+5%) on the March holdout');
  await field(form, 'Timebox (days)').fill('2');
  // The form asks Labbook for the due date as the timebox is typed (dispatch_action).
  await visible(form.getByText(/^2 days: due/));
  await field(form, 'Owner').selectOption({ label: PEOPLE.grace });
  await field(form, 'Next step if it fails').fill('Try H2: re-weight the rare intents in the loss');
  await field(form, 'Next step if it succeeds').fill('Ship behind the ranking flag to 5% of traffic');
  await shot('02-new-hypothesis', form);
  await submitDialog(form, 'Save');

  await visible(conversationLog(page).getByText(HYPOTHESIS_CARD).first());
  await shot('03-hypothesis-card');
}

/** The hypothesis card's first line, as the channel shows it. */
export const HYPOTHESIS_CARD = /^H1 Focal loss will raise recall@10/;

/**
 * Moves the app's clock to each next scheduled message until Grace's check-in DM has arrived:
 * it comes when H1's timebox ends, or at her first working hour after that.
 */
export async function checkInDisproven(page: Page, shot: Shot = noShot): Promise<void> {
  await actAs(page, PEOPLE.grace);
  await openDm(page);
  const disproven = conversationLog(page).getByRole('button', { name: 'Disproven', exact: true });
  for (let move = 0; move < 6 && !(await disproven.isVisible()); move++) {
    await page.getByRole('button', { name: 'To the next message' }).click();
    await disproven.waitFor({ timeout: 3_000 }).catch(() => undefined);
  }
  await visible(disproven);
  await shot('04-check-in-dm');
  await disproven.click();

  const outcome = dialog(page, 'H1: Disproven');
  await visible(outcome);
  await field(outcome, 'Measured result').fill(
    '0.409 recall@10 on rare intents (−0.7%) on the March holdout',
  );
  await field(outcome, 'What do we now know?').fill(
    'Focal loss over-weights noisy clicks on tail queries; the label noise, not the loss, limits recall.',
  );
  await shot('05-check-in-outcome', outcome);
  await submitDialog(outcome, 'Record');

  await actAs(page, PEOPLE.ada);
  await openChannel(page);
  // The card shows the outcome; the announcement is in the card's thread.
  const card = conversationLog(page).getByRole('listitem').filter({ hasText: 'Disproven' }).first();
  await visible(card);
  await card.getByRole('button', { name: /^\d+ repl(y|ies)$/ }).click();
  const thread = page.getByRole('complementary', { name: 'Thread' });
  await visible(thread.getByText(/knowledge gained/).first());
  await shot('06-disproven-announced');
  await thread.getByRole('button', { name: 'Close thread' }).click();
}

/** Ada calls a decision meeting; Kenji and Grace propose; Ada closes proposals for the pre-read. */
export async function decisionMeeting(page: Page, shot: Shot = noShot): Promise<void> {
  await actAs(page, PEOPLE.ada);
  await openChannel(page);
  await send(page, `#${CHANNEL}`, '/hypothesis meeting');
  const call = dialog(page, 'Decision meeting');
  await visible(call);
  await field(call, 'Question to decide').fill('Which model do we try next for rare intents?');
  await field(call, 'Participants').selectOption([{ label: PEOPLE.grace }, { label: PEOPLE.kenji }]);
  await shot('07-call-meeting', call);
  await submitDialog(call, 'Call meeting');
  await visible(conversationLog(page).getByText('Which model do we try next for rare intents?').first());

  await propose(
    page,
    PEOPLE.kenji,
    {
      approach: 'ColBERT re-ranking of the top 100 candidates',
      reading: 'Khattab & Zaharia 2020; the BEIR tail-query results',
      gain: '+4% recall@10 on rare intents',
      cost: '8',
      kind: 'State of the art',
    },
    shot,
  );
  await propose(page, PEOPLE.grace, {
    approach: 'Clean the click labels on tail queries, keep the current ranker',
    reading: 'Our H1 learning; Northcutt et al. on confident learning',
    gain: '+2% recall@10 on rare intents',
    cost: '3',
    kind: 'Simple / standard option',
  });

  await actAs(page, PEOPLE.ada);
  await openChannel(page);
  // The lead's controls are shown to the lead alone, on *Lead's controls*.
  await conversationLog(page).getByRole('button', { name: 'Lead’s controls' }).last().click();
  await conversationLog(page).getByRole('button', { name: 'Close proposals now' }).last().click();
  // The pre-read goes to the kickoff's thread: open it there, as people will.
  const kickoff = conversationLog(page)
    .getByRole('listitem')
    .filter({ hasText: 'Decision meeting' })
    .filter({ hasText: 'Which model do we try next for rare intents?' })
    .first();
  await kickoff.getByRole('button', { name: /^\d+ repl(y|ies)$/ }).click();
  const preRead = page
    .getByRole('complementary', { name: 'Thread' })
    .getByText(/Pre-read\b/)
    .first();
  await visible(preRead);
  await preRead.scrollIntoViewIfNeeded();
  await shot('09-pre-read');
}

async function propose(
  page: Page,
  who: string,
  p: { approach: string; reading: string; gain: string; cost: string; kind: string },
  shot: Shot = noShot,
): Promise<void> {
  await actAs(page, who);
  await openChannel(page);
  await conversationLog(page).getByRole('button', { name: 'Add a proposal' }).last().click();
  const modal = dialog(page, 'Add a proposal');
  await visible(modal);
  await field(modal, 'Approach').fill(p.approach);
  await field(modal, 'Related work read').fill(p.reading);
  await modal.getByLabel(/^Expected gain/).fill(p.gain);
  await field(modal, 'Cost to implement (days)').fill(p.cost);
  await modal.getByLabel(p.kind).check();
  await shot('08-proposal', modal);
  await submitDialog(modal, 'Propose');
}

/** The digest's chart, by its alt text (Slack reads it out in place of the picture). */
export const digestChart = (where: Page | Locator): Locator =>
  where.getByRole('img', { name: /hypotheses per week/i }).first();

/**
 * Moves the clock to the next weekly digest and waits for it, with its chart, in the channel;
 * then opens its thread (what is running, decisions and meetings).
 */
export async function weeklyDigest(page: Page, shot: Shot = noShot): Promise<void> {
  await actAs(page, PEOPLE.ada);
  await openChannel(page);
  await page.getByRole('button', { name: 'To the next digest' }).click();
  const digest = conversationLog(page).getByRole('listitem').filter({ hasText: 'Weekly digest' }).last();
  await visible(digestChart(digest));
  await digest.getByRole('heading', { name: /Weekly digest/ }).scrollIntoViewIfNeeded();
  await shot('10-weekly-digest');
  await digest.getByRole('button', { name: /^\d+ repl(y|ies)$/ }).click();
  await visible(
    page
      .getByRole('complementary', { name: 'Thread' })
      .getByText(/Running|running/)
      .first(),
  );
  await shot('11-digest-thread');
}

export async function homeTab(page: Page, shot: Shot = noShot): Promise<void> {
  await actAs(page, PEOPLE.ada);
  await openHome(page);
  await visible(page.getByText('Your projects'));
  await shot('12-home-tab');
}

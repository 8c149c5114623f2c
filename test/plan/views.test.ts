import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ids } from '../../blocks/ids.js';
import { addRevision } from '../../src/db/designDocs.js';
import type { Project } from '../../src/db/schema/index.js';
import { DESIGN_SECTION_MAX, DESIGN_SECTIONS } from '../../src/rituals/plan/designDoc.js';
import { HYPOTHESIS_LIMITS } from '../../src/rituals/plan/hypothesisDraft.js';
import { startTestApp, TEAM, type TestApp } from '../support/app.js';
import { buttons, makeHypothesis, makeProject } from '../support/factories.js';
import type { ResponseUrlPost } from '../../src/sandbox/slack/embeddedSlack.js';
import { cardOf } from '../support/cards.js';
import { pressInMessage, pressInReply as pressInAnswer } from '../support/messages.js';
import { submit, viewOpenedBy, type SentView } from '../support/modals.js';
import { event, messageShortcut, slashCommand } from '../../src/sandbox/slack/requests.js';

let t: TestApp;
let project: Project;
let big: Project;
const CHANNEL = 'C0PROJECT';
const BIG = 'C0BIGPROJ';
const ALICE = 'U0ALICE';

const long = (n: number, seed = 'x') => `${seed} <!channel> `.padEnd(n, 'é');

beforeAll(async () => {
  t = await startTestApp();
  project = await makeProject(t.labbook.db, {
    teamId: TEAM,
    channelId: CHANNEL,
    lead: 'U0LEAD',
    members: [ALICE],
  });
  await makeHypothesis(t.labbook.db, project, {
    ownerUserId: ALICE,
    statement: 'Focal loss improves recall by 5%',
  });
  await makeHypothesis(t.labbook.db, project, {
    ownerUserId: 'U0BOB',
    status: 'proposed',
    statement: 'Oversampling helps by 3%',
  });
  // A project with 200 hypotheses, every field at its maximum length.
  big = await makeProject(t.labbook.db, { teamId: TEAM, channelId: BIG, lead: ALICE, name: long(80, 'Big') });
  for (let i = 0; i < 200; i++) {
    await makeHypothesis(t.labbook.db, big, {
      ownerUserId: ALICE,
      status: i % 3 === 0 ? 'proposed' : 'running',
      statement: long(HYPOTHESIS_LIMITS.statement, `S${i}`),
      method: long(HYPOTHESIS_LIMITS.method),
      metric: long(HYPOTHESIS_LIMITS.metric),
      baseline: long(HYPOTHESIS_LIMITS.baseline),
      successCriteria: long(HYPOTHESIS_LIMITS.successCriteria, '5%'),
      nextOnFailure: long(HYPOTHESIS_LIMITS.nextSteps),
      nextOnSuccess: long(HYPOTHESIS_LIMITS.nextSteps),
    });
  }
}, 120_000);
afterAll(() => t?.stop());
beforeEach(() => t.fake.reset());

const command = (text: string, channelId = CHANNEL, userId = ALICE) =>
  slashCommand(t.target, { text, userId, teamId: TEAM, channelId, responseUrl: t.fake.responseUrl() });
const reply = async () => (await t.fake.waitForResponse())[0]!.body;
/** The reply whose text starts with `prefix`, however many others arrived first. */
const replyStartingWith = async (prefix: string) =>
  (await t.fake.waitForResponse((r) => String(r.body.text).startsWith(prefix)))[0]!.body;
const who = (userId = ALICE) => ({ userId, teamId: TEAM });

/** Presses a button in a reply the app posted through a response_url. */
const pressInReply = (body: ResponseUrlPost['body'], actionId: string, userId = ALICE, channelId = CHANNEL) =>
  pressInAnswer(t, who(userId), body, actionId, channelId);

/** `/hypothesis design`, then the section's Edit/Write button: the section editor the app opens. */
const sectionEditor = async (section: string, userId = ALICE, channelId = CHANNEL): Promise<SentView> => {
  t.fake.reset();
  await command('design', channelId, userId);
  const doc = await replyStartingWith('Design doc of');
  return viewOpenedBy(t.fake, ids.design.sectionModal, () =>
    pressInReply(doc, `${ids.design.editSection}.${section}`, userId, channelId),
  );
};
const titleOf = (key: string) => DESIGN_SECTIONS.find((s) => s.key === key)!.title;

describe('reading the plan', () => {
  it('`list` shows the project’s hypotheses by status, running ones with their due dates', async () => {
    await command('list');
    const shown = JSON.stringify(await reply());
    expect(shown).toContain('Hypotheses · Search ranking');
    expect(shown).toContain('1 running · 1 proposed');
    expect(shown.indexOf('*Running*')).toBeLessThan(shown.indexOf('*Proposed*'));
    expect(shown).toMatch(
      /\*H1\* Focal loss improves recall by 5%\\n<@U0ALICE> · due <!date\^\d+\^\{date_short_pretty\}\|2026-11-23>/,
    );
    expect(shown).toContain('proposed, 14-day timebox');
  });

  it('`mine` shows the caller’s hypotheses across projects', async () => {
    await command('mine', 'C0ELSEWHERE');
    const body = await reply();
    const shown = JSON.stringify(body);
    expect(shown).toContain('Your hypotheses');
    expect(shown).toContain('_(Search ranking)_');
    expect(shown).not.toContain('Oversampling helps');
    expect(t.fake.violations).toEqual([]);
  });

  it('`log` shows the latest experiment-log entries', async () => {
    const editor = await sectionEditor('baseline');
    expect((await submit(t.target, who(), editor, { Baseline: 'BM25 + ranker v12' })).text).toBe('');
    t.fake.reset();
    await command('log');
    const shown = JSON.stringify(await reply());
    expect(shown).toContain('Experiment log · Search ranking');
    expect(shown).toContain('Design doc: Baseline edited.');
  });

  it('`help` and an unknown subcommand show usage listing every subcommand', async () => {
    await command('help');
    const help = JSON.stringify(await reply());
    // Every subcommand the manifest advertises in Slack's autocomplete hint.
    const manifest = JSON.parse(readFileSync(new URL('../../manifest.json', import.meta.url), 'utf8')) as {
      features: { slash_commands: { usage_hint: string }[] };
    };
    const advertised = manifest.features.slash_commands[0]!.usage_hint.split(' | ');
    expect(advertised).toContain('hours');
    for (const sub of advertised) {
      expect(help).toContain(`/hypothesis ${sub}`);
    }
    t.fake.reset();
    await command('lsit');
    expect(JSON.stringify(await reply())).toContain("I don't know `lsit`");
  });

  it('`project` shows the channel’s project', async () => {
    await command('project');
    const shown = JSON.stringify(await reply());
    expect(shown).toContain('Search ranking');
    expect(shown).toContain('<@U0LEAD>');
    expect(shown).toContain('Rare intents are missed.');
  });
});

describe('200 hypotheses with every field at its longest', () => {
  it('`list` pages through them within Block Kit limits', async () => {
    await command('list', BIG);
    const first = await reply();
    expect(t.fake.violations).toEqual([]);
    const shown = JSON.stringify(first);
    expect(shown).toContain('Page 1 of 14 · 200 in all');
    const next = buttons(first.blocks).find((b) => b.text.text === 'Next')!;

    t.fake.reset();
    await pressInReply(first, next.action_id, ALICE, BIG);
    const second = await reply();
    expect(second).toMatchObject({ replace_original: true });
    expect(JSON.stringify(second)).toContain('Page 2 of 14');
    expect(t.fake.violations).toEqual([]);
  });

  it('the Home tab summarises them within Block Kit limits', async () => {
    await event(t.target, {
      teamId: TEAM,
      event: { type: 'app_home_opened', user: ALICE, channel: 'D0ALICE', tab: 'home' },
    });
    // Alice's Home: another test's late work may publish someone else's meanwhile.
    const [publish] = await t.fake.waitFor('views.publish', (c) => c.args.user_id === ALICE);
    expect(t.fake.violations).toEqual([]);
    expect(JSON.stringify(publish!.args.view)).toContain('more: `/hypothesis mine` lists them all');
  });

  it('a card at its longest, the edit modal and a design doc at its longest stay within limits too', async () => {
    // A proposed hypothesis with every field at its longest, and its card in the channel.
    const [h] = await t.labbook.db
      .selectFrom('hypotheses')
      .selectAll()
      .where('project_id', '=', big.id)
      .where('status', '=', 'proposed')
      .orderBy('number', 'desc')
      .limit(1)
      .execute();
    const posted = await cardOf(t, h!, big);
    const cardTs = posted.ts;
    expect(t.fake.violations).toEqual([]);
    await pressInMessage(t, who(), posted, ids.hypothesis.start);
    // Started, so the card is redrawn at full size: Slack took it.
    const [card] = await t.fake.waitFor('chat.update', (c) => c.args.ts === cardTs);
    expect(JSON.stringify(card!.args.blocks)).toContain(`H${h!.number}`);
    expect(t.fake.violations).toEqual([]);

    await viewOpenedBy(t.fake, ids.hypothesis.editModal, () =>
      pressInMessage(t, who(), posted, ids.hypothesis.edit),
    );
    expect(t.fake.violations).toEqual([]);

    // Every design-doc section at its longest, each edited twice (the editor shows history).
    for (const round of [1, 2])
      for (const section of DESIGN_SECTIONS)
        await addRevision(t.labbook.db, {
          teamId: TEAM,
          projectId: big.id,
          section: section.key,
          content: long(DESIGN_SECTION_MAX, `${section.key} v${round}`),
          authorUserId: ALICE,
          at: new Date('2026-11-20T10:00:00Z'),
        });
    const editor = await sectionEditor('risks', ALICE, BIG);
    expect(JSON.stringify(editor)).toContain('risks v2');
    const doc = JSON.stringify(await replyStartingWith('Design doc of'));
    for (const section of DESIGN_SECTIONS) expect(doc).toContain(`${section.key} v2`);
    expect(t.fake.violations).toEqual([]);
  });
});

describe('the design doc', () => {
  const section = async (content: string, userId = ALICE) =>
    submit(t.target, who(userId), await sectionEditor('metric_goals', userId), {
      [titleOf('metric_goals')]: content,
    });

  it('`design` shows every section with a button to edit it', async () => {
    await command('design');
    const body = await reply();
    const edits = buttons(body.blocks).filter((b) => b.action_id.startsWith(ids.design.editSection));
    expect(edits).toHaveLength(12);
    expect(JSON.stringify(body)).toContain('Rare intents are missed.');
  });

  it('keeps both versions of a section edited twice, and shows the earlier one when editing', async () => {
    expect((await section('Optimise recall@10; p95 latency under 50 ms.')).text).toBe('');
    expect((await section('Optimise recall@10 on rare intents; p95 latency under 40 ms.')).text).toBe('');
    const versions = await t.labbook.db
      .selectFrom('design_doc_revisions')
      .select(['content', 'author_user_id'])
      .where('project_id', '=', project.id)
      .where('section', '=', 'metric_goals')
      .orderBy('id')
      .execute();
    expect(versions.slice(-2)).toEqual([
      { content: 'Optimise recall@10; p95 latency under 50 ms.', author_user_id: ALICE },
      { content: 'Optimise recall@10 on rare intents; p95 latency under 40 ms.', author_user_id: ALICE },
    ]);
    const modal = JSON.stringify(await sectionEditor('metric_goals'));
    expect(modal).toContain('"initial_value":"Optimise recall@10 on rare intents; p95 latency under 40 ms."');
    expect(modal).toContain('Earlier versions');
    expect(modal).toContain('Optimise recall@10; p95 latency under 50 ms.');
  });

  it('exports a Markdown file with every filled section to the channel', async () => {
    // The sections it checks are written here, whatever ran before.
    expect((await section('Optimise recall@10 on rare intents; p95 latency under 40 ms.')).text).toBe('');
    const baseline = await sectionEditor('baseline');
    expect((await submit(t.target, who(), baseline, { Baseline: 'BM25 + ranker v12' })).text).toBe('');
    t.fake.reset();
    await command('design');
    await pressInReply(await replyStartingWith('Design doc of'), ids.design.export);
    await t.fake.waitFor('files.completeUploadExternal');
    const [file] = t.fake.uploads;
    expect(file).toMatchObject({ filename: 'Search-ranking-design-doc.md', channelId: CHANNEL });
    expect(file!.content).toContain('# Search ranking — design document');
    expect(file!.content).toContain('## Problem statement\n\nRare intents are missed.');
    expect(file!.content).toContain(
      '## Metric goals\n\nOptimise recall@10 on rare intents; p95 latency under 40 ms.',
    );
    expect(file!.content).toContain('## Baseline\n\nBM25 + ranker v12');
    expect(file!.content).toContain('## Appendix: experiment log');
  });

  it('refuses an edit by someone who is neither lead nor member, saying who may', async () => {
    await command('design', CHANNEL, 'U0STRANGER');
    await pressInReply(
      await replyStartingWith('Design doc of'),
      `${ids.design.editSection}.risks`,
      'U0STRANGER',
    );
    expect((await replyStartingWith('Only')).text).toBe(
      'Only the project lead <@U0LEAD> and members of Search ranking can edit its design doc. Ask the lead to add you (Edit project, under `/hypothesis project`).',
    );
    expect(t.fake.callsTo('views.open')).toEqual([]);
  });

  it('refuses a section saved by someone removed from the project while the editor was open', async () => {
    const addMember = (userId: string) =>
      t.labbook.db
        .insertInto('project_members')
        .values({ team_id: TEAM, project_id: project.id, user_id: userId })
        .execute();
    await addMember('U0LEAVING');
    const editor = await sectionEditor('risks', 'U0LEAVING');
    await t.labbook.db.deleteFrom('project_members').where('user_id', '=', 'U0LEAVING').execute();
    const refused = await submit(t.target, who('U0LEAVING'), editor, { [titleOf('risks')]: 'sneaky' });
    expect(refused.json).toEqual({
      response_action: 'errors',
      errors: { content: expect.stringContaining('Only the project lead') },
    });
    const saved = await t.labbook.db
      .selectFrom('design_doc_revisions')
      .select('content')
      .where('author_user_id', '=', 'U0LEAVING')
      .execute();
    expect(saved).toEqual([]);
  });
});

describe('editing the project', () => {
  it('lets the lead add a member, who may then edit the design doc; others are refused', async () => {
    await command('project', CHANNEL, 'U0CAROL');
    const carolSees = await reply();
    t.fake.reset();
    await pressInReply(carolSees, ids.project.edit, 'U0CAROL');
    expect((await reply()).text).toBe(
      "Only the project lead <@U0LEAD> can change the project's name, lead, members and phase.",
    );

    t.fake.reset();
    await command('project', CHANNEL, 'U0LEAD');
    const shown = await reply();
    const modal = await viewOpenedBy(t.fake, ids.project.editModal, () =>
      pressInReply(shown, ids.project.edit, 'U0LEAD'),
    );
    expect(modal).toMatchObject({ callback_id: ids.project.editModal, title: { text: 'Edit project' } });
    expect(JSON.stringify(modal)).toContain(`"initial_users":["${ALICE}"]`);
    expect(t.fake.violations).toEqual([]);

    const saved = await submit(t.target, who('U0LEAD'), modal, {
      Members: [ALICE, 'U0CAROL'],
      Phase: 'Deliver',
      'Delivery stage': 'walk',
    });
    expect(saved.text).toBe('');
    expect(
      await t.labbook.db
        .selectFrom('projects')
        .select(['name', 'lead_user_id', 'phase', 'stage'])
        .where('id', '=', project.id)
        .executeTakeFirstOrThrow(),
    ).toEqual({ name: 'Search ranking', lead_user_id: 'U0LEAD', phase: 'deliver', stage: 'walk' });
    const entry = await t.labbook.db
      .selectFrom('experiment_log_entries')
      .selectAll()
      .where('kind', '=', 'project_edited')
      .executeTakeFirstOrThrow();
    expect(entry.text).toBe('Project Search ranking updated: phase develop → deliver; stage crawl → walk.');

    const carolEdits = await submit(t.target, who('U0CAROL'), await sectionEditor('risks', 'U0CAROL'), {
      [titleOf('risks')]: 'Rollback: flip the flag.',
    });
    expect(carolEdits.text).toBe('');
  });
});

describe('the message shortcut', () => {
  it('adds any message to the channel project’s experiment log, with a link back', async () => {
    await messageShortcut(t.target, {
      userId: ALICE,
      teamId: TEAM,
      callbackId: ids.log.addMessage,
      channelId: CHANNEL,
      messageTs: '1700000123.000200',
      messageText: 'Learning rate warm-up made no difference <!here>',
      responseUrl: t.fake.responseUrl(),
    });
    const confirmation = await reply();
    expect(confirmation.text).toContain('Added to the experiment log of *Search ranking*');
    const entry = await t.labbook.db
      .selectFrom('experiment_log_entries')
      .selectAll()
      .where('kind', '=', 'note')
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    expect(entry).toMatchObject({
      project_id: project.id,
      author_user_id: ALICE,
      text: 'Learning rate warm-up made no difference <!here>',
      permalink: `https://fake.slack.com/archives/${CHANNEL}/p1700000123000200`,
    });
    // Stored as written; escaped whenever it is shown.
    t.fake.reset();
    await command('log');
    const shown = JSON.stringify(await reply());
    expect(shown).toContain('&lt;!here&gt;');
    expect(shown).not.toContain('<!here>');
  });
});

describe('the Home tab', () => {
  it('lists the person’s running hypotheses, soonest first, and their projects', async () => {
    // Dana's three running hypotheses, written in an order that is not their due order, in a
    // project of their own so that `list` in the shared one counts only its two.
    const danas = await makeProject(t.labbook.db, { teamId: TEAM, channelId: 'C0DANA', lead: 'U0LEAD' });
    for (const [statement, due] of [
      ['Due second', '2026-12-10T10:00:00Z'],
      ['Due third', '2026-12-20T10:00:00Z'],
      ['Due first', '2026-11-30T10:00:00Z'],
    ] as const)
      await makeHypothesis(t.labbook.db, danas, { ownerUserId: 'U0DANA', statement, dueAt: new Date(due) });
    await event(t.target, {
      teamId: TEAM,
      event: { type: 'app_home_opened', user: 'U0BOB', channel: 'D0BOB', tab: 'home' },
    });
    await event(t.target, {
      teamId: TEAM,
      event: { type: 'app_home_opened', user: 'U0DANA', channel: 'D0DANA', tab: 'home' },
    });
    // Each person's own Home: another test's late work may publish someone else's meanwhile.
    const [danaHome] = await t.fake.waitFor('views.publish', (c) => c.args.user_id === 'U0DANA');
    const [bobHome] = await t.fake.waitFor('views.publish', (c) => c.args.user_id === 'U0BOB');
    const dana = JSON.stringify(danaHome!.args.view);
    expect(dana).toContain('Your running hypotheses');
    expect(dana).toContain('Search ranking');
    const order = ['Due first', 'Due second', 'Due third'].map((s) => dana.indexOf(s));
    expect(order.every((i) => i >= 0)).toBe(true);
    expect(order).toEqual([...order].sort((x, y) => x - y));
    const bob = JSON.stringify(bobHome!.args.view);
    expect(bob).toContain('Nothing running');
    expect(bob).not.toContain('Due first');
  });
});

import { digestMessage, teamDigestMessage } from '../../../blocks/digest.js';
import { noProjectOffer } from '../../../blocks/project.js';
import { count, escapeMrkdwn } from '../../../blocks/text.js';
import { cancelPending } from '../../db/deliveries.js';
import { currentDesignDoc } from '../../db/designDocs.js';
import { digestSettingsFor, projectRecord, saveDigestSettings } from '../../db/digests.js';
import type { Db } from '../../db/index.js';
import { findProjectByChannel } from '../../db/projects.js';
import type { DigestSettings, Project } from '../../db/schema/index.js';
import { chartImage } from '../../rituals/digests/deliveries.js';
import {
  isOn,
  projectDigest,
  scheduleNextDigest,
  scheduleOf,
  stoppedText,
  teamDigests,
  weekSoFar,
} from '../../rituals/digests/digests.js';
import { logCsv, peopleIn, recordMarkdown } from '../../rituals/digests/export.js';
import { fileStem } from '../../rituals/plan/designDoc.js';
import {
  describeSchedule,
  nextSlot,
  parseSchedule,
  type DigestSchedule,
} from '../../rituals/digests/weeks.js';
import { forbidden } from '../../rituals/errors.js';
import type { Services } from '../../services.js';
import { localMoment } from '../../time.js';
import { peopleNames, requireWorkspaceAdmin, userZone } from '../people.js';
import { tell, type Audience } from '../tell.js';

/** The channel's waiting digest goes (a new schedule or `off`); one being sent is left to finish. */
const withdrawWaitingDigest = (db: Db, to: { teamId: string; channelId: string }, at: Date) =>
  cancelPending(
    db,
    { teamIds: [to.teamId], kinds: ['digest'], recipientId: to.channelId, leaveInFlight: true },
    at,
  );

type To = Audience & { teamId: string; channelId: string };

const EXAMPLE = '`/hypothesis digest weekly fri 16:00 Europe/Berlin`';

/** The channel's project (or none: a team-wide digest), its settings and its schedule now. */
async function channelDigest(services: Services, to: To) {
  const [project, settings] = await Promise.all([
    findProjectByChannel(services.db, to.teamId, to.channelId),
    digestSettingsFor(services.db, to.teamId, to.channelId),
  ]);
  const tz =
    settings?.tz ?? (project ? await userZone(services, to.client, to.teamId, project.lead_user_id) : 'UTC');
  return { project, settings, schedule: scheduleOf(settings, tz) };
}

/** `/hypothesis digest [post | weekly fri 16:00 [Zone] | off]`. */
export async function digestCommand(services: Services, to: To, args: string): Promise<void> {
  const [sub = '', ...rest] = args.trim().split(/\s+/);
  switch (sub.toLowerCase()) {
    case '':
      return previewDigest(services, to);
    case 'post':
      return postDigest(services, to);
    case 'weekly':
      return setDigestSchedule(services, to, rest.join(' '));
    case 'off':
      return turnDigestOff(services, to);
    default:
      await tell(to, {
        text: `I do not know \`digest ${escapeMrkdwn(sub)}\`. Try \`/hypothesis digest\` for a preview, \`/hypothesis digest post\`, ${EXAMPLE} or \`/hypothesis digest off\`.`,
      });
  }
}

function whenNext(settings: DigestSettings | undefined, schedule: DigestSchedule, now: Date): string {
  if (settings?.stopped_reason)
    return stoppedText(
      settings.channel_id,
      settings.stopped_reason,
      settings.project_id ? 'this project' : 'all projects',
    );
  if (!isOn(settings)) return `Weekly digests are off here; ${EXAMPLE} turns them on.`;
  return `The next digest goes out ${localMoment(nextSlot(now, schedule), schedule.tz)} (${schedule.tz}), ${describeSchedule(schedule)}.`;
}

async function previewDigest(services: Services, to: To): Promise<void> {
  const { project, settings, schedule } = await channelDigest(services, to);
  const now = services.clock.now();
  const week = weekSoFar(schedule, now);
  if (!project && !settings) {
    await tell(to, {
      text: `This channel has no project. ${EXAMPLE} here sends it one digest across all the workspace's projects every week; \`/hypothesis project\` creates a project for it.`,
    });
    return;
  }
  const note = `:eyes: Preview of this week so far, only for you. ${whenNext(settings, schedule, now)}`;
  if (!project) {
    const message = teamDigestMessage(
      await teamDigests(services.db, to.teamId, schedule, week, now),
      schedule.tz,
      week,
    );
    await tell(to, {
      text: message.text,
      blocks: [{ type: 'context', elements: [{ type: 'mrkdwn', text: note }] }, ...message.blocks],
    });
    return;
  }
  const digest = await projectDigest(services.db, project, schedule, week, now, services.trackers);
  const silent =
    digest.kind === 'silent'
      ? ' Nothing has run or concluded for four weeks, so no digest would go out.'
      : '';
  await tell(to, digestMessage(digest, { preview: note + silent }));
}

/** The project's lead, or a workspace admin (the only ones for a team-wide digest). */
async function mayChange(to: To, project: Project | undefined): Promise<void> {
  if (project?.lead_user_id === to.userId) return;
  await requireWorkspaceAdmin(
    to.client,
    to.userId,
    project
      ? `Only the project lead <@${project.lead_user_id}> or a workspace admin can change this project's digest.`
      : 'Only a workspace admin can set up a team-wide digest in a channel with no project.',
  );
}

async function postDigest(services: Services, to: To): Promise<void> {
  const { project, schedule } = await channelDigest(services, to);
  if (!project) {
    await tell(to, noProjectOffer(to.channelId));
    return;
  }
  if (project.lead_user_id !== to.userId)
    throw forbidden(
      `Only the project lead <@${project.lead_user_id}> can post the digest now; \`/hypothesis digest\` shows it to you.`,
    );
  const now = services.clock.now();
  const digest = await projectDigest(
    services.db,
    project,
    schedule,
    weekSoFar(schedule, now),
    now,
    services.trackers,
  );
  const chart = digest.kind === 'full' ? await chartImage(to.client, digest, services.logger) : undefined;
  const { thread, ...message } = digestMessage(digest, { thread: true, ...(chart ? { chart } : {}) });
  try {
    const posted = await to.client.chat.postMessage({
      channel: project.channel_id,
      ...message,
      unfurl_links: false,
    });
    for (const reply of thread ?? [])
      await to.client.chat.postMessage({
        channel: project.channel_id,
        thread_ts: posted.ts,
        ...reply,
        unfurl_links: false,
      });
  } catch (error) {
    services.logger.warn('digest post failed', { projectId: project.id, error: String(error) });
    await tell(to, {
      text: `I could not post in <#${project.channel_id}>. Invite me with \`/invite @Labbook\` and try again.`,
    });
    return;
  }
}

async function setDigestSchedule(services: Services, to: To, args: string): Promise<void> {
  const { project } = await channelDigest(services, to);
  await mayChange(to, project);
  const parsed = parseSchedule(args);
  if (!parsed.ok) {
    await tell(to, {
      text: `I could not read \`${escapeMrkdwn(args || '(nothing)')}\`. ${parsed.error} Nothing was changed.`,
    });
    return;
  }
  const at = services.clock.now();
  // A team-wide digest has no lead: it keeps the zone of whoever set it.
  const tz = parsed.tz ?? (project ? null : await userZone(services, to.client, to.teamId, to.userId));
  const leadTz = project ? await userZone(services, to.client, to.teamId, project.lead_user_id) : 'UTC';
  const target = { teamId: to.teamId, channelId: to.channelId, projectId: project?.id ?? null };
  const { settings, next } = await services.db.transaction().execute(async (trx) => {
    const settings = await saveDigestSettings(trx, {
      ...target,
      weekday: parsed.weekday,
      hour: parsed.hour,
      minute: parsed.minute,
      tz,
      enabled: true,
      stoppedReason: null,
      setBy: to.userId,
      at,
    });
    await withdrawWaitingDigest(trx, to, at);
    const next = await scheduleNextDigest(trx, target, scheduleOf(settings, leadTz), at, at);
    return { settings, next };
  });
  const schedule = scheduleOf(settings, leadTz);
  const what = project
    ? `The digest of *${escapeMrkdwn(project.name)}*`
    : 'The team-wide digest of all projects';
  await tell(to, {
    text: `${what} now goes out here ${describeSchedule(schedule)}${settings.tz ? '' : ", the lead's Slack zone"}. Next: ${localMoment(next, schedule.tz)}.`,
  });
}

async function turnDigestOff(services: Services, to: To): Promise<void> {
  const { project } = await channelDigest(services, to);
  await mayChange(to, project);
  const at = services.clock.now();
  await services.db.transaction().execute(async (trx) => {
    await saveDigestSettings(trx, {
      teamId: to.teamId,
      channelId: to.channelId,
      projectId: project?.id ?? null,
      enabled: false,
      setBy: to.userId,
      at,
    });
    await withdrawWaitingDigest(trx, to, at);
  });
  await tell(to, { text: `Weekly digests are off in this channel. ${EXAMPLE} turns them back on.` });
}

/** `/hypothesis export [here]`: the whole record as Markdown and the log as CSV, to the caller or the channel. */
export async function exportCommand(services: Services, to: To, args: string): Promise<void> {
  const where = args.trim().toLowerCase();
  if (where !== '' && where !== 'here') {
    await tell(to, {
      text: 'Try `/hypothesis export` (sent to you) or `/hypothesis export here` (this channel).',
    });
    return;
  }
  const project = await findProjectByChannel(services.db, to.teamId, to.channelId);
  if (!project) {
    await tell(to, noProjectOffer(to.channelId));
    return;
  }
  const [revisions, record] = await Promise.all([
    currentDesignDoc(services.db, to.teamId, project.id),
    projectRecord(services.db, to.teamId, project.id),
  ]);
  const whole = { project, revisions, ...record };
  const names = await peopleNames(services, to.client, to.teamId, peopleIn(whole));
  const markdown = recordMarkdown(whole, names);
  const csv = logCsv(
    record.log,
    new Map(record.hypotheses.map((h) => [h.id, h.number])),
    names,
    new Map(record.hypotheses.map((h) => [h.id, h.run_links])),
  );
  const stem = fileStem(project.name);
  const channel =
    where === 'here' ? to.channelId : (await to.client.conversations.open({ users: to.userId })).channel?.id;
  try {
    await to.client.files.uploadV2({
      channel_id: channel ?? to.userId,
      initial_comment: `The whole record of *${escapeMrkdwn(project.name)}*: design doc, hypotheses, decisions and the experiment log (${count(record.log.length, 'entry')}, also as CSV). Exported by <@${to.userId}>.`,
      file_uploads: [
        {
          file: Buffer.from(markdown, 'utf8'),
          filename: `${stem}-record.md`,
          title: `${project.name} — record`,
        },
        {
          file: Buffer.from(csv, 'utf8'),
          filename: `${stem}-log.csv`,
          title: `${project.name} — experiment log`,
        },
      ],
    });
  } catch (error) {
    services.logger.warn('export failed', { projectId: project.id, error: String(error) });
    await tell(to, {
      text: `I could not upload the export${where === 'here' ? ` to <#${to.channelId}>; invite me with \`/invite @Labbook\`` : ''} and try again.`,
    });
  }
}

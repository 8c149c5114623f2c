import type { ModalView } from '@slack/types';
import { errorsResponse, staleForm, type FlowResult } from './result.js';
import type { WebClient } from '@slack/web-api';
import { z } from 'zod';
import {
  dueHint,
  hypothesisCard,
  hypothesisDetails,
  hypothesisModal,
  pickTimeboxHint,
} from '../../../blocks/hypothesis.js';
import { noProjectOffer } from '../../../blocks/project.js';
import {
  findHypothesis,
  updateHypothesis,
  usualTimebox,
  type HypothesisWithProject,
} from '../../db/hypotheses.js';
import { findProjectByChannel, listProjects, projectsOfUser } from '../../db/projects.js';
import type { Hypothesis, Project } from '../../db/schema/index.js';
import {
  createHypothesis,
  editableHypothesis,
  editHypothesis,
  startHypothesis,
  type HypothesisHooks,
} from '../../rituals/plan/hypotheses.js';
import { HYPOTHESIS_LIMITS, TIMEBOX, validateHypothesisForm } from '../../rituals/plan/hypothesisDraft.js';
import type { Services } from '../../services.js';
import { workingDaysNote } from '../../../blocks/away.js';
import { timeboxDaysOf } from '../../rituals/workingTime.js';
import { designNote } from './design/doc.js';
import { addDays, formatDay } from '../../time.js';
import { parseJson, readViewState, type FormValue, type ViewSubmissionPayload } from '../payloads.js';
import { knownZone, userZone } from '../people.js';
import { tell, type Audience } from '../tell.js';
import { refreshHomes } from './home.js';
import { redrawView } from './redrawView.js';
import { openProjectModal } from './projectModal.js';

export const HypothesisMeta = z.object({
  channelId: z.string().optional(),
  hypothesisId: z.number().int().optional(),
});

/** Projects offered in the modal: the channel's first, then the person's, then recent ones. */
async function projectChoices(services: Services, teamId: string, userId: string, first?: Project) {
  const [mine, recent] = await Promise.all([
    projectsOfUser(services.db, teamId, userId),
    listProjects(services.db, teamId, 100),
  ]);
  const seen = new Set<number>();
  return [first, ...mine, ...recent]
    .filter((p): p is Project => p !== undefined && !seen.has(p.id) && seen.add(p.id) !== undefined)
    .slice(0, 100);
}

export async function hypothesisModalFor(
  services: Services,
  client: WebClient,
  teamId: string,
  userId: string,
  opts: { project?: Project; channelId?: string; hypothesis?: Hypothesis; notice?: string },
): Promise<ModalView> {
  const days = opts.hypothesis?.timebox_days;
  const hint = days
    ? await dueHintFor(services, client, {
        teamId,
        viewer: userId,
        owner: opts.hypothesis?.owner_user_id ?? userId,
        days,
        startedAt: opts.hypothesis?.started_at ?? null,
      })
    : pickTimeboxHint(await usualTimebox(services.db, teamId, opts.project?.id));
  return hypothesisModal({
    mode: opts.hypothesis ? 'edit' : 'new',
    projects: opts.hypothesis ? [] : await projectChoices(services, teamId, userId, opts.project),
    initial: { ...(opts.hypothesis ?? {}), projectId: opts.project?.id ?? opts.hypothesis?.project_id },
    ownerDefault: userId,
    timebox: TIMEBOX,
    limits: HYPOTHESIS_LIMITS,
    dueHint: hint,
    privateMetadata: JSON.stringify({ channelId: opts.channelId, hypothesisId: opts.hypothesis?.id }),
    ...(opts.notice ? { notice: opts.notice } : {}),
  });
}

/**
 * The due date a timebox implies, in the viewer's zone, and, when public holidays or days
 * away fall in it, how many working days that is for its owner.
 */
async function dueHintFor(
  services: Services,
  client: WebClient,
  p: { teamId: string; viewer: string; owner: string; days: number; startedAt: Date | null },
): Promise<string> {
  const tz = await userZone(services, client, p.teamId, p.viewer);
  const start = p.startedAt ?? services.clock.now();
  const due = addDays(start, p.days);
  return dueHint(
    p.days,
    formatDay(due, tz),
    p.startedAt ? formatDay(p.startedAt, tz) : undefined,
    await workingDaysFor(services, { ...p, tz, start, due }),
  );
}

/**
 * "4 working days for you (public holidays in DE: …)" for a timebox from `start` to `due`,
 * counted in its owner's zone and calendar; undefined when no holiday or day away falls in it.
 * The new-hypothesis, edit and extend forms all say it this way.
 */
export async function workingDaysFor(
  services: Services,
  p: { teamId: string; viewer: string; tz: string; owner: string; start: Date; due: Date },
): Promise<string | undefined> {
  const forYou = p.owner === p.viewer;
  const ownerTz = forYou ? p.tz : await knownZone(services, p.teamId, p.owner);
  const working = await timeboxDaysOf(services.db, p.teamId, p.owner, {
    start: p.start,
    due: p.due,
    tz: ownerTz,
  });
  return workingDaysNote(working.days, { forYou, region: working.region });
}

/** The owner chosen so far in an open hypothesis modal, if any. */
const ChosenOwner = z.object({
  state: z.object({
    values: z.object({
      ownerUserId: z.record(z.string(), z.object({ selected_user: z.string().nullish() })),
    }),
  }),
});

/**
 * `/hypothesis new` and the "New hypothesis" buttons. In a channel without a project the
 * person is offered to create one first; with no project anywhere, the project modal
 * opens and leads on to the hypothesis.
 */
export async function openNewHypothesis(
  services: Services,
  to: Audience & { teamId: string; triggerId: string },
): Promise<void> {
  const project = to.channelId ? await findProjectByChannel(services.db, to.teamId, to.channelId) : undefined;
  if (to.channelId && !project) {
    await tell(to, noProjectOffer(to.channelId));
    return;
  }
  if (!project && (await listProjects(services.db, to.teamId, 1)).length === 0) {
    await openProjectModal(services, to.client, {
      teamId: to.teamId,
      userId: to.userId,
      triggerId: to.triggerId,
      then: 'hypothesis',
    });
    return;
  }
  const view = await hypothesisModalFor(services, to.client, to.teamId, to.userId, {
    project,
    channelId: to.channelId,
  });
  await to.client.views.open({ trigger_id: to.triggerId, view });
}

/** Redraws the due-date hint as the timebox is typed; every typed value is kept. */
export async function refreshDueHint(
  services: Services,
  client: WebClient,
  args: {
    teamId: string;
    userId: string;
    view: { id: string; hash?: string | undefined; blocks?: unknown };
    days: number;
  },
): Promise<void> {
  if (!Number.isInteger(args.days) || args.days < TIMEBOX.min || args.days > TIMEBOX.max) return;
  const original = args.view as typeof args.view & Record<string, unknown>;
  // Editing a running hypothesis: its timebox counts from its start, not from today.
  const meta = parseJson(HypothesisMeta, String(original.private_metadata ?? ''));
  const editing = meta?.hypothesisId
    ? await findHypothesis(services.db, args.teamId, meta.hypothesisId)
    : undefined;
  const chosen = ChosenOwner.safeParse(original);
  const owner = chosen.success
    ? Object.values(chosen.data.state.values.ownerUserId)[0]?.selected_user
    : undefined;
  const hint = await dueHintFor(services, client, {
    teamId: args.teamId,
    viewer: args.userId,
    owner: owner ?? editing?.owner_user_id ?? args.userId,
    days: args.days,
    startedAt: editing?.started_at ?? null,
  });
  await redrawView(client, services.logger, original, (blocks) =>
    blocks.map((b) =>
      b.block_id === 'timeboxDays' ? { ...b, hint: { type: 'plain_text', text: hint } } : b,
    ),
  );
}

const formOf = (payload: ViewSubmissionPayload): Record<string, FormValue> =>
  readViewState(payload.view.state.values);

export async function submitNewHypothesis(
  services: Services,
  client: WebClient,
  payload: ViewSubmissionPayload,
  hooks: HypothesisHooks,
): Promise<FlowResult> {
  const teamId = payload.team.id;
  const actor = payload.user.id;
  const checked = validateHypothesisForm(formOf(payload));
  if (!checked.ok) return errorsResponse(checked.errors);
  const { hypothesis, project } = await createHypothesis(services, teamId, actor, checked.value, hooks);
  return {
    after: async () => {
      await postCard(services, client, hypothesis, project, actor);
      await refreshHomes(services, client, teamId, [actor, hypothesis.owner_user_id]);
    },
  };
}

/** Posts the hypothesis card to its project channel and remembers where, for later updates. */
export async function postCard(
  services: Services,
  client: WebClient,
  h: Hypothesis,
  project: Project,
  actor: string,
) {
  const card = hypothesisCard(h, services.clock.now());
  try {
    const posted = await client.chat.postMessage({
      channel: project.channel_id,
      ...card,
      unfurl_links: false,
    });
    if (posted.ts) {
      await updateHypothesis(services.db, h.team_id, h.id, {
        card_channel_id: posted.channel ?? project.channel_id,
        card_ts: posted.ts,
      });
    }
  } catch (error) {
    services.logger.warn('could not post the hypothesis card', {
      channel: project.channel_id,
      error: String(error),
    });
    await tell(
      { client, userId: actor },
      {
        text: `H${h.number} is saved, but I could not post it in <#${project.channel_id}>. Invite me there with \`/invite @Labbook\` so the team sees its hypotheses.`,
      },
    ).catch(() => undefined);
  }
}

/** Re-renders a hypothesis' card in place after an edit, a start or a check-in. */
export async function refreshCard(
  services: Services,
  client: WebClient,
  teamId: string,
  id: number,
): Promise<void> {
  const h = await findHypothesis(services.db, teamId, id);
  if (!h?.card_channel_id || !h.card_ts) return;
  const card = hypothesisCard(h, services.clock.now());
  await client.chat
    .update({ channel: h.card_channel_id, ts: h.card_ts, ...card })
    .catch((error: unknown) =>
      services.logger.warn('could not update the hypothesis card', { id, error: String(error) }),
    );
}

/** *Details* on a card: the whole hypothesis, to the one who pressed. */
export async function showDetails(
  services: Services,
  to: Audience & { teamId: string },
  hypothesisId: number,
): Promise<void> {
  const h = await findHypothesis(services.db, to.teamId, hypothesisId);
  if (!h) return tell(to, { text: 'That hypothesis no longer exists in this workspace.' });
  await tell(
    to,
    hypothesisDetails(h, { name: h.project_name }, services.clock.now(), await designNote(services, h)),
  );
}

export async function openEditHypothesis(
  services: Services,
  to: Audience & { teamId: string; triggerId: string },
  hypothesisId: number,
): Promise<void> {
  const h: HypothesisWithProject = await editableHypothesis(services.db, to.teamId, to.userId, hypothesisId);
  const view = await hypothesisModalFor(services, to.client, to.teamId, to.userId, { hypothesis: h });
  await to.client.views.open({ trigger_id: to.triggerId, view });
}

export async function submitEditHypothesis(
  services: Services,
  client: WebClient,
  payload: ViewSubmissionPayload,
  hooks: HypothesisHooks,
): Promise<FlowResult> {
  const teamId = payload.team.id;
  const meta = parseJson(HypothesisMeta, payload.view.private_metadata);
  if (!meta?.hypothesisId) return staleForm(client, payload.user.id, 'the hypothesis');
  const existing = await findHypothesis(services.db, teamId, meta.hypothesisId);
  const checked = validateHypothesisForm({
    ...formOf(payload),
    projectId: existing?.project_id ?? null,
    startNow: 'proposed',
  });
  if (!checked.ok) return errorsResponse(checked.errors);
  const updated = await editHypothesis(
    services,
    teamId,
    payload.user.id,
    meta.hypothesisId,
    checked.value,
    hooks,
  );
  return {
    after: async () => {
      await refreshCard(services, client, teamId, updated.id);
      await refreshHomes(services, client, teamId, [payload.user.id, updated.owner_user_id]);
    },
  };
}

export async function startFromCard(
  services: Services,
  to: Audience & { teamId: string },
  hypothesisId: number,
  hooks: HypothesisHooks,
): Promise<void> {
  const h = await startHypothesis(services, to.teamId, to.userId, hypothesisId, hooks);
  await refreshCard(services, to.client, to.teamId, h.id);
  await refreshHomes(services, to.client, to.teamId, [to.userId, h.owner_user_id]);
}

export type { FlowResult } from './result.js';

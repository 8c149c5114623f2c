import { escapeMrkdwn } from '../../../blocks/text.js';

/**
 * Who may change what. Anyone in the workspace may read; these rules decide writes and
 * return the sentence a refused person reads, naming who may.
 */
export type Permission = { allowed: true } | { allowed: false; reason: string };

const allowed: Permission = { allowed: true };

export function canEditHypothesis(
  actor: string,
  h: { owner_user_id: string; lead_user_id: string; number: number },
): Permission {
  if (actor === h.owner_user_id || actor === h.lead_user_id) return allowed;
  return {
    allowed: false,
    reason: `Only H${h.number}'s owner <@${h.owner_user_id}> or the project lead <@${h.lead_user_id}> can change it.`,
  };
}

export function canEditProject(actor: string, project: { lead_user_id: string }): Permission {
  if (actor === project.lead_user_id) return allowed;
  return {
    allowed: false,
    reason: `Only the project lead <@${project.lead_user_id}> can change the project's name, lead, members and phase.`,
  };
}

export function canEditDesignDoc(
  actor: string,
  project: { lead_user_id: string; name: string },
  isMember: boolean,
): Permission {
  if (actor === project.lead_user_id || isMember) return allowed;
  return {
    allowed: false,
    reason: `Only the project lead <@${project.lead_user_id}> and members of ${escapeMrkdwn(project.name)} can edit its design doc. Ask the lead to add you (Edit project, under \`/hypothesis project\`).`,
  };
}

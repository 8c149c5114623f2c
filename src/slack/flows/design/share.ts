import { sharedDocMessages } from '../../../../blocks/designDoc.js';
import { reviewStateText } from '../../../../blocks/designReview.js';
import { reviewState } from '../../../rituals/designReview/review.js';
import { postPatiently } from '../../../scheduler/patient.js';
import type { Services } from '../../../services.js';
import { tell, type Audience } from '../../tell.js';
import { docNow, editableProject, notInChannel } from './doc.js';

/**
 * *Share in channel*: the summary in the project channel, the doc in full in its thread,
 * so the team reads and discusses it where it talks. The lead or a member may share.
 */
export async function shareInChannel(
  services: Services,
  to: Audience & { teamId: string },
  projectId: number,
): Promise<void> {
  const project = await editableProject(services, to.teamId, to.userId, projectId);
  const doc = await docNow(services, project);
  const { summary, thread } = sharedDocMessages({
    projectName: project.name,
    sharedBy: to.userId,
    reviewState: reviewStateText(reviewState(doc.review)),
    sections: doc.sections,
  });
  let ts: string | undefined;
  try {
    ts = (await to.client.chat.postMessage({ channel: project.channel_id, ...summary })).ts;
  } catch (error) {
    services.logger.warn('design doc share failed', { projectId, error: String(error) });
    await tell(to, { text: notInChannel(project, 'post the design doc in') });
    return;
  }
  for (const message of thread)
    await postPatiently(to.client, {
      channel: project.channel_id,
      thread_ts: ts,
      ...message,
      unfurl_links: false,
    });
}

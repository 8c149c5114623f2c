/** Every meeting interaction, one module per interaction: calling, proposing, the lead's schedule, deciding, thread replies. */
export { openMeetingModal, showMeetings, submitMeeting } from './call.js';
export { openEditProposal, openProposal, submitProposal, withdraw } from './proposals.js';
export { cancel, closeNow, openReschedule, showLeadControls, submitReschedule } from './schedule.js';
export { openDecision, submitDecision, submitDecisionHypotheses } from './decision.js';
export { answerThreadReply, onMessage } from './threadReplies.js';

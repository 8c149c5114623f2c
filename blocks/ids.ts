/**
 * Every callback_id and action_id Labbook gives Slack, in one place, namespaced by ritual.
 * They live on in messages for months, so renaming one breaks buttons already posted:
 * treat them as a public API.
 */
export const COMMAND = '/hypothesis';

export const ids = {
  hypothesis: {
    newModal: 'hypothesis.new',
    editModal: 'hypothesis.edit',
    /** dispatch_action on the timebox field: refreshes the due-date hint. */
    timebox: 'hypothesis.timebox',
    open: 'hypothesis.open_new',
    edit: 'hypothesis.edit_button',
    start: 'hypothesis.start',
    /** On the card: conclude (or, while proposed, abandon) at any time; the value is the id. */
    conclude: 'hypothesis.conclude',
    /** Which outcome, before the check-in's outcome form. */
    concludeModal: 'hypothesis.conclude_modal',
    /** On the channel card: everything about it, to the one who pressed. */
    details: 'hypothesis.details',
  },
  project: {
    modal: 'project.new',
    open: 'project.open_new',
    edit: 'project.edit',
    editModal: 'project.edit_modal',
  },
  design: {
    editSection: 'design.edit_section',
    sectionModal: 'design.section',
    export: 'design.export',
    /** One modal with every section; each changed section becomes a new version. */
    editAll: 'design.edit_all',
    editAllModal: 'design.edit_all_modal',
    share: 'design.share',
  },
  review: {
    /** On the design doc: pick reviewers and a date. */
    request: 'review.request',
    requestModal: 'review.request_modal',
    /** On the reviewer's DM; the value is the review id. */
    approve: 'review.approve',
    requestChanges: 'review.request_changes',
    changesModal: 'review.changes',
    /** The value is the project id. */
    openDoc: 'review.open_doc',
  },
  checkin: {
    /** Buttons on the check-in DM; the suffix is the answer. */
    validated: 'checkin.outcome.validated',
    disproven: 'checkin.outcome.disproven',
    inconclusive: 'checkin.outcome.inconclusive',
    abandoned: 'checkin.outcome.abandoned',
    extend: 'checkin.extend',
    /** Overflow menu on the Home tab: the same answers, from where the person is. */
    fromHome: 'checkin.from_home',
    outcomeModal: 'checkin.outcome',
    extendModal: 'checkin.extend_modal',
    /** dispatch_action on the extension's days: refreshes the due-date hint. */
    extendDays: 'checkin.extend_days',
  },
  meeting: {
    /** On the kickoff: shows the lead, and only the lead, their controls. */
    leadControls: 'meeting.lead_controls',
    modal: 'meeting.new',
    rescheduleModal: 'meeting.reschedule',
    proposalModal: 'meeting.proposal',
    decisionModal: 'meeting.decision',
    /** The decision's second step: a hypothesis for each chosen proposal. */
    hypothesesModal: 'meeting.decision_hypotheses',
    /** Buttons on the kickoff message and the DMs; the value is the meeting id. */
    propose: 'meeting.propose',
    close: 'meeting.close',
    decide: 'meeting.decide',
    reschedule: 'meeting.reschedule_button',
    cancel: 'meeting.cancel',
    /** Buttons on a proposal's thread reply; the value is the proposal id. */
    editProposal: 'meeting.proposal_edit',
    withdrawProposal: 'meeting.proposal_withdraw',
    /** The ephemeral question under a plain thread reply; the value is the reply's proposal row id. */
    replyIsProposal: 'meeting.reply_proposal',
    replyIsDiscussion: 'meeting.reply_discussion',
  },
  snooze: {
    /** *Not now* on the check-in DM and its modal: ask again later this round. */
    open: 'snooze.open',
    modal: 'snooze.modal',
  },
  timeSpent: {
    /** *Log time* on the Home tab, and the modal it opens. */
    open: 'time_spent.open',
    modal: 'time_spent.modal',
  },
  list: { page: 'list.page' },
  log: { older: 'log.older', addMessage: 'log.add_message' },
  workspace: { forgetModal: 'workspace.forget' },
  search: {
    /** The next page of `/hypothesis search`; the value carries the words and the offset. */
    more: 'search.more',
    /** "Check for similar" in the new-hypothesis modal. */
    checkSimilar: 'search.check_similar',
  },
} as const;

import type { Insertable, Selectable } from 'kysely';
import type { DeliveriesTable } from './deliveries.js';
import type { DesignDocRevisionsTable } from './designDocs.js';
import type {
  DesignReviewCommentsTable,
  DesignReviewReviewersTable,
  DesignReviewsTable,
} from './designReviews.js';
import type { DigestChartsTable, DigestSettingsTable } from './digests.js';
import type { ExperimentLogEntriesTable } from './experimentLog.js';
import type { HypothesesTable, HypothesisExtensionsTable } from './hypotheses.js';
import type { InstallationsTable, OAuthStatesUsedTable } from './installations.js';
import type { DecisionMeetingsTable, MeetingCalendarFilesTable, ProposalsTable } from './meetings.js';
import type { ProjectMembersTable, ProjectsTable } from './projects.js';
import type { AwayPeriodsTable, SlackUsersTable } from './slackUsers.js';
import type { SlackDirectoriesTable, SlackRateBudgetsTable } from './slackPacing.js';
import type { TimeEntriesTable } from './timeEntries.js';
import type { WorkspacesTable } from './workspaces.js';

export interface Database {
  workspaces: WorkspacesTable;
  slack_users: SlackUsersTable;
  away_periods: AwayPeriodsTable;
  projects: ProjectsTable;
  project_members: ProjectMembersTable;
  design_doc_revisions: DesignDocRevisionsTable;
  design_reviews: DesignReviewsTable;
  design_review_reviewers: DesignReviewReviewersTable;
  design_review_comments: DesignReviewCommentsTable;
  hypotheses: HypothesesTable;
  hypothesis_extensions: HypothesisExtensionsTable;
  experiment_log_entries: ExperimentLogEntriesTable;
  decision_meetings: DecisionMeetingsTable;
  proposals: ProposalsTable;
  meeting_calendar_files: MeetingCalendarFilesTable;
  deliveries: DeliveriesTable;
  installations: InstallationsTable;
  oauth_states_used: OAuthStatesUsedTable;
  digest_settings: DigestSettingsTable;
  digest_charts: DigestChartsTable;
  time_entries: TimeEntriesTable;
  slack_rate_budgets: SlackRateBudgetsTable;
  slack_directories: SlackDirectoriesTable;
}

export type Workspace = Selectable<WorkspacesTable>;
export type Project = Selectable<ProjectsTable>;
export type Hypothesis = Selectable<HypothesesTable>;
export type NewHypothesis = Insertable<HypothesesTable>;
export type HypothesisExtension = Selectable<HypothesisExtensionsTable>;
export type ExperimentLogEntry = Selectable<ExperimentLogEntriesTable>;
export type DesignDocRevision = Selectable<DesignDocRevisionsTable>;
export type DesignReview = Selectable<DesignReviewsTable>;
export type DesignReviewer = Selectable<DesignReviewReviewersTable>;
export type DesignReviewComment = Selectable<DesignReviewCommentsTable>;
export type DecisionMeeting = Selectable<DecisionMeetingsTable>;
export type Proposal = Selectable<ProposalsTable>;
export type Delivery = Selectable<DeliveriesTable>;
export type SlackUser = Selectable<SlackUsersTable>;
export type AwayPeriod = Selectable<AwayPeriodsTable>;
export type InstallationRow = Selectable<InstallationsTable>;
export type DigestSettings = Selectable<DigestSettingsTable>;

export * from './projects.js';
export * from './hypotheses.js';
export * from './experimentLog.js';
export type { MeetingStatus, OptionKind, ProposalKind } from './meetings.js';
export type { DeliveryStatus } from './deliveries.js';
export type { ReviewVerdict } from './designReviews.js';

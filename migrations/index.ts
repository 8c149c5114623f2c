import type { Migration } from 'kysely/migration';
import * as initial from './20261125T0900_initial.js';
import * as digests from './20261125T1200_digests.js';
import * as digestSettingsFk from './20261125T1300_digest_settings_fk.js';
import * as installations from './20261125T1000_installations.js';
import * as meetings from './20261125T1100_meetings.js';
import * as dropProposalCost from './20261125T1310_drop_proposal_cost.js';
import * as away from './20261201T2200_away.js';
import * as designReviews from './20261201T2200_design_reviews.js';
import * as meetingOutcomes from './20261201T2200_meeting_outcomes.js';
import * as runLinks from './20261201T2200_run_links.js';
import * as search from './20261201T2200_search.js';
import * as timeEntries from './20261201T2300_time_entries.js';
import * as digestCharts from './20261202T0300_digest_charts.js';
import * as slackPacing from './20261202T0400_slack_pacing.js';
import * as meetingCalendarFiles from './20261202T0600_meeting_calendar_files.js';

/**
 * Every migration, by name, in the order they apply. A static list rather than a folder
 * scan: Kysely's FileMigrationProvider loads files with a bare import(), which works for
 * the built .js but not for .ts under vitest, and the app must migrate the same way in
 * every runner. Add each new migration file here.
 */
export const migrations: Record<string, Migration> = {
  '20261125T0900_initial': initial,
  '20261125T1000_installations': installations,
  '20261125T1100_meetings': meetings,
  '20261125T1200_digests': digests,
  '20261125T1300_digest_settings_fk': digestSettingsFk,
  '20261125T1310_drop_proposal_cost': dropProposalCost,
  '20261201T2200_away': away,
  '20261201T2200_design_reviews': designReviews,
  '20261201T2200_meeting_outcomes': meetingOutcomes,
  '20261201T2200_run_links': runLinks,
  '20261201T2200_search': search,
  '20261201T2300_time_entries': timeEntries,
  '20261202T0300_digest_charts': digestCharts,
  '20261202T0400_slack_pacing': slackPacing,
  '20261202T0600_meeting_calendar_files': meetingCalendarFiles,
};

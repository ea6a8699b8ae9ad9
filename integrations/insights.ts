import type { InsightsCounts, Month, OwnerFilter } from '../core/insights';
import type { Settings } from '../core/settings';

/** What a connector offers the Insights page; each CRM folder implements it in its insights.ts. */
export interface InsightsReader {
  /**
   * The outer loop of these owners (or everyone) over these months, counted by the CRM: the number of requests grows
   * with the months and the categories (root causes, surveys, channels), never with the rows.
   */
  count(filter: OwnerFilter, months: Month[], settings: Settings): Promise<InsightsCounts>;
}

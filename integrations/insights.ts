import type { InsightsCounts, KeptMonth, Month, OwnerFilter } from '../core/insights';
import type { Settings } from '../core/settings';

/** What was counted before, for a connector to reuse what cannot have changed (entrypoints/background/insights.ts). */
export interface InsightsKept {
  /** Closed months of this basis counted before (not older than KEPT_MONTH_MAX_AGE_MS), any of `months`. */
  months(basis: string, months: Month[]): Promise<KeptMonth[]>;
  /** The last count of this same view (scope and period) on this connection, or null. */
  previous: InsightsCounts | null;
}

/** What a connector offers the Insights page; each CRM folder implements it in its insights.ts. */
export interface InsightsReader {
  /**
   * The outer loop of these owners (or everyone) over these months, counted by the CRM: the number of requests grows
   * with the months and the categories (root causes, surveys, channels), never with the rows. With `kept`, what the
   * CRM shows has not changed since an earlier count is taken from it instead of counted again; null counts it all.
   */
  count(filter: OwnerFilter, months: Month[], settings: Settings, kept: InsightsKept | null): Promise<InsightsCounts>;
}

import type { InsightsQuery, InsightsSnapshot } from '../../core/insights';
import type { Crm } from '../../core/schema';
import type { Owner } from '../../core/worklist';
import type { LanguageSetting } from '../../core/i18n';

/** What the Insights page needs of the extension (entrypoints/insights/main.tsx); tests give their own. */
export interface InsightsHost {
  load(query: InsightsQuery, fresh: boolean): Promise<InsightsSnapshot>;
  owners(crm: Crm): Promise<Owner[]>;
  language(): Promise<LanguageSetting>;
  browserLanguages: readonly string[];
  /** Opens a CRM record (a link the connector built) in a new tab. */
  openRecord(url: string): void;
  /** Saves a file the user asked for (the CSV). */
  download(fileName: string, text: string): void;
  print(): void;
  optionsUrl: string;
  now(): number;
}

import type { PanelWatch, Reply } from '../../core/messaging';
import type { OutcomeInput, RecordRef } from '../../core/schema';
import type { OpenedFollowUp } from '../../integrations/crm';
import type { AccountContactsPage, ContactListQuery } from '../../core/account-contacts';

// What the panel needs from the extension around it. main.tsx wires the real browser APIs;
// component tests pass a fake port and recorders. The panel never imports `browser` itself.

/** The part of a runtime Port the panel uses: pushes arrive on it, and it asks for a record's data on it. */
export interface PanelPort {
  onMessage: { addListener(listener: (message: unknown) => void): void };
  onDisconnect: { addListener(listener: () => void): void };
  postMessage(message: PanelWatch): void;
  disconnect(): void;
}

export interface PanelHost {
  /** Framed inside a CRM page (not the browser's side panel or sidebar): the page around it is not trusted. */
  pageHosted: boolean;
  /**
   * What the background pushed before the panel's code ran (the record, the settings, its data), in order: the first
   * render shows it, with no loading state in between. connect()'s port delivers only what came after.
   */
  heardAtStart?: readonly unknown[];
  /** Opens the in-page panel from its slim tab (saves the person's choice); absent outside a page. */
  openInPage?: () => void;
  connect(): PanelPort;
  refresh(ref: RecordRef): Promise<Reply<{ fetchedAt: number }>>;
  requestPermission(origin: string): Promise<boolean>;
  optionsUrl: string;
  browserLanguages: readonly string[];
  /** Call mode as the user last left it (extension storage: web storage may be blocked in a frame). */
  readCallMode(): Promise<boolean | null>;
  writeCallMode(on: boolean): void;
  /** The sections the person folded (extension storage, like call mode). */
  readFolded(): Promise<string[]>;
  writeFolded(keys: string[]): void;
  logOutcome(input: OutcomeInput): Promise<Reply<{ idempotencyKey: string }>>;
  retryOutcome(idempotencyKey: string): Promise<Reply<{ idempotencyKey: string }>>;
  withdrawOutcome(idempotencyKey: string): Promise<Reply<{ withdrawn: true }>>;
  openFollowUp(ref: RecordRef, responseKey: string): Promise<Reply<OpenedFollowUp>>;
  loadLoopHistory(ref: RecordRef): Promise<Reply<{ readAt: number }>>;
  /** One page of the contact list of the account `ref` shows, as its CRM lists it (a large account). */
  listAccountContacts(ref: RecordRef, query: ContactListQuery, cursor: string | null): Promise<Reply<AccountContactsPage>>;
  /**
   * Moves the panel to the browser's side panel (a click's user gesture is required); absent where
   * there is none to move to: Firefox, or this page already is the side panel.
   */
  openSidePanel?: () => Promise<void>;
  now(): number;
}

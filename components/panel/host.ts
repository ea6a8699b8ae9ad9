import type { Reply } from '../../core/messaging';
import type { RecordRef } from '../../core/schema';
import type { Settings } from '../../core/settings';

// What the panel needs from the extension around it. main.tsx wires the real browser APIs;
// component tests pass a fake port and recorders. The panel never imports `browser` itself.

/** The part of a runtime Port the panel uses. */
export interface PanelPort {
  onMessage: { addListener(listener: (message: unknown) => void): void };
  onDisconnect: { addListener(listener: () => void): void };
  disconnect(): void;
}

export interface PanelHost {
  connect(): PanelPort;
  refresh(ref: RecordRef): Promise<Reply<{ fetchedAt: number }>>;
  requestPermission(origin: string): Promise<boolean>;
  optionsUrl: string;
  /** The stored settings (defaults when absent or invalid), and a way to follow changes. */
  loadSettings(): Promise<Settings>;
  onSettingsChanged(listener: () => void): () => void;
  browserLanguages: readonly string[];
  /** Where call mode is remembered (the extension origin's localStorage). */
  storage: Pick<Storage, 'getItem' | 'setItem'>;
  now(): number;
}

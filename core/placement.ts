// Where the panel shows on Chrome: beside the record in the CRM page, or in the browser's side panel.
// Kept free of imports: the content script reads it and must stay tiny.

/**
 * storage.local: the ids of the windows that have Loyalty Lens open in Chrome's side panel. Written by
 * the background only; a content script reads it at start to know whether to wait to be told where the
 * panel goes (it cannot know its own window).
 */
export const SIDE_PANEL_WINDOWS_KEY = 'ui.sidePanelWindows';

/**
 * How long a CRM page waits to hear where the panel goes while a side panel is open somewhere, before
 * it loads its panel out of sight (the background answers every panel that connects).
 */
export const PLACEMENT_WAIT_MS = 1_500;

/** When the background repeats its word to a loading page (ms after it starts): the new document's script may not listen yet. */
export const PLACEMENT_REPEATS_MS = [150, 400, 900] as const;

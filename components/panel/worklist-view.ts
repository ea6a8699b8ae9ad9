import type { WorklistSurface } from '../worklist/WorklistSurface';

// "My open loops" is loaded on demand, so a record's panel never parses the list's code, its words or the schemas it
// brings. Not React.lazy: a Suspense fallback holds the content back ~300 ms after it is ready, and the list should
// paint the moment its code and its saved copy are there. Where the list is what shows first (a side panel, a tab),
// the page asks for it as it starts and renders once it is here (entrypoints/panel/main.tsx).

export type WorklistViewComponent = typeof WorklistSurface;

let loading: Promise<WorklistViewComponent> | null = null;
let loaded: WorklistViewComponent | null = null;

export function loadWorklistView(): Promise<WorklistViewComponent> {
  loading ??= import('../worklist/WorklistSurface').then((module) => (loaded = module.WorklistSurface));
  return loading;
}

/** The list's component if its code has loaded already, for a first render that draws it at once. */
export function loadedWorklistView(): WorklistViewComponent | null {
  return loaded;
}

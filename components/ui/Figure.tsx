import type { ReactNode } from 'react';

export type FigureName =
  | 'contact-latest-score'
  | 'contact-segment'
  | 'account-nps'
  | 'account-n'
  | 'account-margin'
  | 'open-followups'
  | 'revenue-at-risk'
  | 'revenue-rest';

/**
 * A main figure with its stable automation hook: `data-ll-figure` names it, `data-ll-value` carries
 * the raw value (unrounded numbers, segment names in English) whatever the language or layout.
 */
export function Figure(props: { name: FigureName; value: string | number | null; className?: string; children: ReactNode }) {
  return (
    <span className={props.className} data-ll-figure={props.name} data-ll-value={props.value === null ? '' : String(props.value)}>
      {props.children}
    </span>
  );
}

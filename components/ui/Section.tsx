import { createContext, useContext, useId, type ReactNode } from 'react';

/** Which sections the person folded, remembered across records and visits (the panel host stores it). */
export interface Folds {
  folded: ReadonlySet<string>;
  toggle(key: string): void;
}

const FoldContext = createContext<Folds>({ folded: new Set(), toggle: () => undefined });
export const FoldProvider = FoldContext.Provider;

/**
 * A titled region: a landmark with its heading as its accessible name. With `foldKey` its heading is a button
 * that folds it away, and the panel remembers that.
 */
export function Section(props: { title: string; level?: 2 | 3; className?: string; actions?: ReactNode; foldKey?: string; children: ReactNode }) {
  const id = useId();
  const folds = useContext(FoldContext);
  const Heading = props.level === 2 ? 'h2' : 'h3';
  const foldable = props.foldKey !== undefined;
  const folded = foldable && folds.folded.has(props.foldKey!);
  return (
    <section className={`section ${props.className ?? ''}${folded ? ' folded' : ''}`} aria-labelledby={id} data-ll-fold={props.foldKey}>
      <div className="section-head">
        <Heading id={id}>
          {foldable ? (
            <button type="button" className="fold" aria-expanded={!folded} aria-controls={`${id}-body`} onClick={() => folds.toggle(props.foldKey!)}>
              <span className="fold-mark" aria-hidden="true">
                {folded ? '▸' : '▾'}
              </span>
              {props.title}
            </button>
          ) : (
            props.title
          )}
        </Heading>
        {props.actions}
      </div>
      <div id={`${id}-body`} className="section-body" hidden={folded}>
        {props.children}
      </div>
    </section>
  );
}

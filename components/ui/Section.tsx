import { useId, type ReactNode } from 'react';

/** A titled region: a landmark with its heading as its accessible name. */
export function Section(props: { title: string; level?: 2 | 3; className?: string; actions?: ReactNode; children: ReactNode }) {
  const id = useId();
  const Heading = props.level === 2 ? 'h2' : 'h3';
  return (
    <section className={`section ${props.className ?? ''}`} aria-labelledby={id}>
      <div className="section-head">
        <Heading id={id}>{props.title}</Heading>
        {props.actions}
      </div>
      {props.children}
    </section>
  );
}

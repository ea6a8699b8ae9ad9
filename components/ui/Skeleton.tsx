/** Grey placeholder blocks shaped like the content that will replace them, so nothing jumps. */
export function Skeleton(props: { label: string }) {
  return (
    <div className="skeleton" role="status" aria-live="polite" aria-busy="true">
      <span className="visually-hidden">{props.label}</span>
      <div className="skeleton-block skeleton-title" />
      <div className="skeleton-row">
        <div className="skeleton-block skeleton-figure" />
        <div className="skeleton-block skeleton-figure" />
        <div className="skeleton-block skeleton-figure" />
      </div>
      <div className="skeleton-block skeleton-chart" />
      <div className="skeleton-block skeleton-line" />
      <div className="skeleton-block skeleton-line" />
      <div className="skeleton-block skeleton-line short" />
    </div>
  );
}

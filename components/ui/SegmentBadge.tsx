import type { Segment } from '../../core/schema';

/** A segment shown in words and colour (the words carry the meaning; colour only repeats it). */
export function SegmentBadge(props: { segment: Segment; label: string }) {
  return <span className={`badge badge-${props.segment}`}>{props.label}</span>;
}

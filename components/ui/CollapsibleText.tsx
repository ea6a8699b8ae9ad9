import { useId, useState } from 'react';

const LIMIT = 240;

/** Cuts on whole graphemes so an emoji or a combining accent is never split in half, and at a word end when one is near. */
function cut(text: string, limit: number): string {
  const head = graphemes(text, limit);
  const space = head.search(/\s\S*$/);
  return space > limit * 0.8 ? head.slice(0, space) : head;
}

function graphemes(text: string, limit: number): string {
  const Segmenter = Intl.Segmenter;
  if (typeof Segmenter === 'function') {
    let out = '';
    for (const { segment } of new Segmenter(undefined, { granularity: 'grapheme' }).segment(text)) {
      if (out.length + segment.length > limit) break;
      out += segment;
    }
    return out;
  }
  return Array.from(text).slice(0, limit).join('');
}

/**
 * Untrusted text (survey comments): rendered as a React text node only, direction detected per
 * paragraph (`dir="auto"`) for right-to-left languages, long text collapsed behind "Show more".
 */
export function CollapsibleText(props: { text: string; moreLabel: string; lessLabel: string; limit?: number; className?: string }) {
  const limit = props.limit ?? LIMIT;
  const [open, setOpen] = useState(false);
  const id = useId();
  const long = props.text.length > limit;
  const shown = long && !open ? `${cut(props.text, limit).trimEnd()}…` : props.text;
  return (
    <div className={`comment ${props.className ?? ''}`}>
      <p id={id} dir="auto" className="comment-text">
        {shown}
      </p>
      {long && (
        <button type="button" className="link-button" aria-expanded={open} aria-controls={id} onClick={() => setOpen(!open)}>
          {open ? props.lessLabel : props.moreLabel}
        </button>
      )}
    </div>
  );
}

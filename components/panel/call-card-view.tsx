import { useEffect, useState, type ComponentProps } from 'react';
import type { CallCard } from './CallCard';

// Call mode's card loads on demand: most opens show the full panel, and the card's code is no part of their start.
// PanelApp asks for it as soon as it knows call mode is on (the remembered choice is read as the panel starts), so the
// card is there by the time the record's data is.

type CallCardComponent = typeof CallCard;

let loading: Promise<CallCardComponent> | null = null;
/** Once loaded, a card toggled off and on again draws at once. */
let loaded: CallCardComponent | null = null;

export function loadCallCard(): Promise<CallCardComponent> {
  loading ??= import('./CallCard').then((module) => (loaded = module.CallCard));
  return loading;
}

/** The call card, drawn once its code is there. */
export function LoadedCallCard(props: ComponentProps<CallCardComponent>) {
  const [Card, setCard] = useState<CallCardComponent | null>(() => loaded);
  useEffect(() => {
    if (Card) return;
    let alive = true;
    void loadCallCard().then((loaded) => {
      if (alive) setCard(() => loaded);
    });
    return () => {
      alive = false;
    };
  }, [Card]);
  return Card && <Card {...props} />;
}

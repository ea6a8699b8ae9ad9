import { useEffect, useMemo, useState, type ComponentProps } from 'react';
import { enWorklist, type WorklistCatalog } from '../../core/locales/en-worklist';
import { I18nProvider, useI18n } from '../panel/i18n-context';
import { WorklistView } from './WorklistView';

// What the panel loads on demand for "My open loops" (components/panel/worklist-view.ts): the list, with its own words
// over the panel's. English comes with the list's code; Russian loads beside it when the panel speaks Russian.

export function WorklistSurface(props: ComponentProps<typeof WorklistView>) {
  const i18n = useI18n();
  const [russian, setRussian] = useState<WorklistCatalog | null>(null);
  useEffect(() => {
    if (i18n.locale !== 'ru' || russian) return;
    let alive = true;
    void import('../../core/locales/ru-worklist').then((loaded) => {
      if (alive) setRussian(loaded.ruWorklist);
    });
    return () => {
      alive = false;
    };
  }, [i18n.locale, russian]);
  const words = i18n.locale === 'ru' ? russian : enWorklist;
  const withWords = useMemo(() => (words ? i18n.extend(words) : null), [i18n, words]);
  if (!withWords) return null;
  return (
    <I18nProvider value={withWords}>
      <WorklistView {...props} />
    </I18nProvider>
  );
}

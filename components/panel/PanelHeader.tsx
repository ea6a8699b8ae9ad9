import type { RecordView } from '../../core/db';
import { useI18n } from './i18n-context';

export function PanelHeader(props: {
  callMode: boolean;
  onToggleCallMode: () => void;
  /** Present when this panel is framed in a CRM page and the browser has a side panel to move to. */
  onOpenSidePanel?: () => void;
  /** Switches to "My open loops". */
  onOpenWorklist?: () => void;
  view: RecordView | null;
  refreshing: boolean;
  now: number;
}) {
  const i18n = useI18n();
  const { view } = props;
  return (
    <header className="panel-header">
      <div className="panel-brand">
        <h1>{i18n.t('app.name')}</h1>
        <p className="freshness" role="status" aria-live="polite">
          {props.refreshing
            ? i18n.t('status.refreshing')
            : view?.fetchedAt
              ? <time dateTime={new Date(view.fetchedAt).toISOString()} title={i18n.dateTime(view.fetchedAt)}>{i18n.t('status.updated', { age: i18n.relative(view.fetchedAt, props.now) })}</time>
              : null}
        </p>
      </div>
      <div className="panel-actions">
        <button
          type="button"
          className="toggle"
          aria-pressed={props.callMode}
          aria-keyshortcuts="Alt+Shift+K"
          title={i18n.t('callMode.shortcut', { keys: 'Alt+Shift+K' })}
          onClick={props.onToggleCallMode}
        >
          {i18n.t('callMode.toggle')}
        </button>
        {props.onOpenSidePanel && (
          <button type="button" className="toggle" title={i18n.t('sidePanel.hint')} onClick={props.onOpenSidePanel}>
            {i18n.t('sidePanel.open')}
          </button>
        )}
        {props.onOpenWorklist && (
          <button type="button" className="toggle" title={i18n.t('worklist.openHint')} onClick={props.onOpenWorklist}>
            {i18n.t('worklist.open')}
          </button>
        )}
      </div>
    </header>
  );
}

import { useEffect, useState } from 'react';
import { sendRequest } from '../../core/messaging';
import type { Settings } from '../../core/settings';
import type { TicketPipeline } from '../../integrations/crm';
import { useConnections } from './Connections';
import { SelectField, TextField, type Edit } from './fields';
import { useStrings } from './strings';

/** HubSpot's default ticket pipeline, where new follow-ups go when none is chosen (see the connector). */
const DEFAULT_PIPELINE_ID = '0';

type PipelinesState =
  | { status: 'not-connected' | 'loading' | 'none' }
  | { status: 'failed'; reason: string }
  | { status: 'ready'; pipelines: TicketPipeline[] };

/**
 * The portal's ticket pipelines once HubSpot is connected, read again whenever the connection changes (another
 * token, a new test).
 */
function useTicketPipelines(): PipelinesState {
  const connection = useConnections().hubspot;
  const connected = connection ? `${connection.instance} ${connection.connectedAt}` : null;
  const [answer, setAnswer] = useState<{ for: string; state: PipelinesState } | null>(null);
  useEffect(() => {
    if (!connected) return;
    let live = true;
    void sendRequest({ type: 'metadata.ticketPipelines' }).then((reply) => {
      if (!live) return;
      const state: PipelinesState = !reply.ok
        ? { status: 'failed', reason: reply.error.message }
        : reply.value.length === 0
          ? { status: 'none' }
          : { status: 'ready', pipelines: reply.value };
      setAnswer({ for: connected, state });
    });
    return () => {
      live = false;
    };
  }, [connected]);
  if (!connected) return { status: 'not-connected' };
  return answer?.for === connected ? answer.state : { status: 'loading' };
}

/**
 * Where HubSpot follow-ups live: chosen from the portal's pipelines and stages once HubSpot is connected (ids
 * typed by hand before that). A saved id HubSpot no longer has stays selected and is named as such.
 */
export function HubSpotFollowUpFields(props: { draft: Settings; edit: Edit }) {
  const s = useStrings();
  const state = useTicketPipelines();
  const { followUpPipelineId, followUpStageId, closedStageId } = props.draft.hubspot;
  const edit = props.edit;
  if (state.status !== 'ready') {
    const help =
      state.status === 'loading'
        ? s.hsPipelinesLoading
        : state.status === 'failed'
          ? s.hsPipelinesFailed(state.reason)
          : state.status === 'none'
            ? s.hsPipelinesNone
            : s.hsPipelinesNotConnected;
    return (
      <>
        <TextField label={s.hsPipeline} help={help} path="hubspot.followUpPipelineId" value={followUpPipelineId ?? ''} onChange={(v) => edit((d) => void (d.hubspot.followUpPipelineId = v.trim() || null))} />
        <TextField label={s.hsStage} path="hubspot.followUpStageId" value={followUpStageId ?? ''} onChange={(v) => edit((d) => void (d.hubspot.followUpStageId = v.trim() || null))} />
        <TextField label={s.hsClosedStage} path="hubspot.closedStageId" value={closedStageId ?? ''} onChange={(v) => edit((d) => void (d.hubspot.closedStageId = v.trim() || null))} />
      </>
    );
  }
  const { pipelines } = state;
  const chosen = pipelines.find((p) => p.id === followUpPipelineId) ?? null;
  const target = chosen ?? pipelines.find((p) => p.id === DEFAULT_PIPELINE_ID) ?? pipelines[0]!;
  const withSaved = (options: Array<{ value: string; label: string }>, saved: string | null) =>
    saved && !options.some((o) => o.value === saved) ? [...options, { value: saved, label: s.hsMissingId(saved) }] : options;
  const stageOptions = (closed: boolean) => target.stages.filter((stage) => stage.closed === closed).map((stage) => ({ value: stage.id, label: stage.label }));
  return (
    <>
      <SelectField
        label={s.hsPipelinePick}
        path="hubspot.followUpPipelineId"
        value={followUpPipelineId ?? ''}
        options={withSaved([{ value: '', label: s.hsEveryPipeline(target.label) }, ...pipelines.map((p) => ({ value: p.id, label: p.label }))], followUpPipelineId)}
        // Stages belong to their pipeline: a new pipeline starts from its own first stages.
        onChange={(id) =>
          edit((d) => {
            d.hubspot.followUpPipelineId = id || null;
            d.hubspot.followUpStageId = null;
            d.hubspot.closedStageId = null;
          })
        }
      />
      <SelectField
        label={s.hsStagePick}
        path="hubspot.followUpStageId"
        value={followUpStageId ?? ''}
        options={withSaved([{ value: '', label: s.hsFirstOpenStage }, ...stageOptions(false)], followUpStageId)}
        onChange={(id) => edit((d) => void (d.hubspot.followUpStageId = id || null))}
      />
      <SelectField
        label={s.hsClosedStagePick}
        path="hubspot.closedStageId"
        value={closedStageId ?? ''}
        options={withSaved([{ value: '', label: s.hsFirstClosedStage }, ...stageOptions(true)], closedStageId)}
        onChange={(id) => edit((d) => void (d.hubspot.closedStageId = id || null))}
      />
    </>
  );
}

import { useId, useState } from 'react';
import { sendRequest } from '../../core/messaging';
import type { Crm, SurveyKind } from '../../core/schema';
import { hubspotSourceSchema, salesforceSourceSchema, type HubSpotSource, type SalesforceSource, type Settings } from '../../core/settings';
import type { MetadataField, MetadataObject, PreviewResult } from '../../integrations/crm';
import { HUBSPOT_PRESETS } from '../../integrations/hubspot/presets';
import { SALESFORCE_PRESETS } from '../../integrations/salesforce/presets';
import { SelectField, TextField, VerdictBox, type Edit } from './fields';
import { PreviewTable } from './PreviewTable';
import { useStrings, type OptionsStrings } from './strings';
import { errorVerdict, type Verdict } from './verdict';

type Source = HubSpotSource | SalesforceSource;

const SURVEY_KINDS: ReadonlyArray<{ value: SurveyKind; label: string }> = [
  { value: 'nps', label: 'NPS' },
  { value: 'csat', label: 'CSAT' },
  { value: 'ces', label: 'CES' },
];

/** Blank mappings to build from the CRM's metadata; the schema names what is still missing. */
const CUSTOM: Record<Crm, Source> = {
  hubspot: {
    id: 'custom',
    kind: 'hubspot-custom-object',
    label: '',
    objectType: '',
    scoreProperty: '',
    dateProperty: '',
    commentProperty: null,
    surveyKindProperty: null,
    fixedSurveyKind: 'nps',
    surveyNameProperty: null,
  },
  salesforce: {
    id: 'custom',
    kind: 'salesforce-custom-object',
    label: '',
    object: '',
    scoreField: '',
    dateField: 'CreatedDate',
    commentField: null,
    contactField: '',
    accountField: null,
    surveyKindField: null,
    fixedSurveyKind: 'nps',
    surveyNameField: null,
  },
};

const PRESETS: Record<Crm, readonly Source[]> = { hubspot: HUBSPOT_PRESETS, salesforce: SALESFORCE_PRESETS };

/** A source id from its name, unique among the CRM's mappings. */
export function sourceIdFor(label: string, taken: readonly string[]): string {
  const base =
    label
      .toLowerCase()
      .normalize('NFKD')
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 34) || 'mapping';
  let id = base;
  for (let n = 2; taken.includes(id); n++) id = `${base}-${n}`;
  return id;
}

export function surveyKindsOf(source: Source): string {
  switch (source.kind) {
    case 'hubspot-feedback':
      return source.surveyTypes.join(', ');
    case 'hubspot-contact-properties':
      return source.surveyKind.toUpperCase();
    case 'hubspot-custom-object':
    case 'salesforce-custom-object':
      return source.kind === 'hubspot-custom-object' && source.surveyKindProperty
        ? `${source.surveyKindProperty} (${source.fixedSurveyKind.toUpperCase()})`
        : source.kind === 'salesforce-custom-object' && source.surveyKindField
          ? `${source.surveyKindField} (${source.fixedSurveyKind.toUpperCase()})`
          : source.fixedSurveyKind.toUpperCase();
    case 'salesforce-surveys':
      return ['NPS', ...(source.csatQuestionIds.length ? ['CSAT'] : []), ...(source.cesQuestionIds.length ? ['CES'] : [])].join(', ');
  }
}

/** The form label of each mapping field, so "what is still missing" reads in the admin's words. */
function fieldLabels(s: OptionsStrings): Record<string, string> {
  return {
    label: s.label,
    objectType: s.object,
    object: s.object,
    scoreProperty: s.scoreField,
    scoreField: s.scoreField,
    dateProperty: s.dateField,
    dateField: s.dateField,
    commentProperty: s.commentField,
    commentField: s.commentField,
    contactField: s.contactField,
    accountField: s.accountField,
    surveyKindProperty: s.surveyKindField,
    surveyKindField: s.surveyKindField,
    surveyNameProperty: s.surveyNameField,
    surveyNameField: s.surveyNameField,
    surveyName: s.surveyName,
    surveyTypes: s.kinds,
    csatQuestionIds: s.csatQuestions,
    cesQuestionIds: s.cesQuestions,
  };
}

function validate(crm: Crm, source: Source, s: OptionsStrings): { ok: true; source: Source } | { ok: false; reason: string } {
  const parsed = (crm === 'hubspot' ? hubspotSourceSchema : salesforceSourceSchema).safeParse(source);
  if (parsed.success) return { ok: true, source: parsed.data };
  const labels = fieldLabels(s);
  const fields = new Set(parsed.error.issues.map((issue) => labels[String(issue.path[0])] ?? String(issue.path[0])));
  return { ok: false, reason: [...fields].join(', ') };
}

function MappingList(props: { crm: Crm; sources: readonly Source[]; onRemove: (id: string) => void }) {
  const s = useStrings();
  const name = props.crm === 'hubspot' ? s.hubspot : s.salesforce;
  return (
    <div className="mapping-list">
      <h3>{s.mappingsOf(name)}</h3>
      {props.sources.length === 0 ? <p className="muted">{s.noMappings}</p> : null}
      <ul>
        {props.sources.map((source) => (
          <li key={source.id}>
            <span>
              <strong>{source.label || source.id}</strong> <code>{source.kind}</code> — {s.kinds}: {surveyKindsOf(source)}
            </span>
            <button type="button" onClick={() => props.onRemove(source.id)} aria-label={s.removeNamed(source.label || source.id)}>
              {s.remove}
            </button>
          </li>
        ))}
      </ul>
    </div>
  );
}

/** What a mapping field holds, so its picker offers only fields that can hold it. */
export type FieldRole = 'score' | 'date' | 'text' | 'label' | 'lookup';

/**
 * The CRM field types each role accepts (HubSpot property types; Salesforce describe types). A score
 * is a number, or a choice list whose values are numbers (some portals keep HubSpot's NPS rating so).
 */
const TYPES_FOR_ROLE: Record<FieldRole, ReadonlySet<string>> = {
  score: new Set(['number', 'enumeration', 'double', 'int', 'long', 'percent', 'currency', 'picklist']),
  date: new Set(['date', 'datetime']),
  text: new Set(['string', 'textarea']),
  label: new Set(['string', 'textarea', 'enumeration', 'picklist']),
  lookup: new Set(['reference']),
};

/** The fields of the CRM's list that can hold `role`. */
export function fieldsFor(role: FieldRole, fields: readonly MetadataField[]): MetadataField[] {
  return fields.filter((field) => TYPES_FOR_ROLE[role].has(field.type.toLowerCase()));
}

/** A field chosen from the CRM's list when it is loaded (only fields of a fitting type), typed by hand otherwise. */
function FieldPicker(props: {
  label: string;
  role: FieldRole;
  value: string | null;
  nullable?: boolean;
  fields: MetadataField[] | null;
  onChange: (value: string | null) => void;
}) {
  const s = useStrings();
  if (!props.fields) {
    return <TextField label={props.label} value={props.value ?? ''} onChange={(value) => props.onChange(value.trim() || (props.nullable ? null : ''))} />;
  }
  const fitting = fieldsFor(props.role, props.fields);
  // A value chosen before the list loaded (a preset, or typed) stays visible, marked, until replaced.
  const unfit = props.value && !fitting.some((field) => field.name === props.value) ? props.fields.find((field) => field.name === props.value) : undefined;
  const options = [
    ...(props.nullable ? [{ value: '', label: s.none }] : []),
    ...fitting.map((field) => ({ value: field.name, label: `${field.label} (${field.name}, ${field.type})` })),
    ...(unfit ? [{ value: unfit.name, label: s.wrongTypeField(unfit.label, unfit.name, unfit.type) }] : []),
  ];
  return (
    <SelectField
      label={props.label}
      help={fitting.length === 0 ? s.noFieldOfRole[props.role] : s.fieldsOfRole[props.role]}
      value={options.some((option) => option.value === props.value) ? (props.value ?? '') : ''}
      options={options}
      placeholder={props.nullable ? undefined : s.pickField}
      onChange={(value) => props.onChange(value || null)}
    />
  );
}

function useMetadata(crm: Crm, s: OptionsStrings) {
  const [objects, setObjects] = useState<MetadataObject[] | null>(null);
  const [fields, setFields] = useState<{ object: string; list: MetadataField[] } | null>(null);
  const [problem, setProblem] = useState<Verdict | null>(null);
  const [loading, setLoading] = useState(false);
  const loadObjects = async () => {
    setLoading(true);
    const reply = await sendRequest({ type: 'metadata.objects', crm });
    setLoading(false);
    if (reply.ok) {
      setObjects(reply.value);
      setProblem(null);
    } else setProblem(errorVerdict(reply.error, s));
  };
  const loadFields = async (object: string) => {
    if (!object) return;
    const reply = await sendRequest({ type: 'metadata.fields', crm, object });
    if (reply.ok) {
      setFields({ object, list: reply.value });
      setProblem(null);
    } else setProblem(errorVerdict(reply.error, s));
  };
  const reset = () => {
    setObjects(null);
    setFields(null);
    setProblem(null);
  };
  return { objects, fields, problem, loading, loadObjects, loadFields, reset };
}

function SourceForm(props: {
  crm: Crm;
  source: Source;
  onChange: (source: Source) => void;
  metadata: ReturnType<typeof useMetadata>;
}) {
  const s = useStrings();
  const { source, metadata } = props;
  const set = (patch: Partial<Record<string, unknown>>) => props.onChange({ ...source, ...patch } as Source);
  const objectName =
    source.kind === 'hubspot-custom-object' ? source.objectType : source.kind === 'salesforce-custom-object' ? source.object : source.kind === 'hubspot-contact-properties' ? 'contacts' : null;
  const fields = metadata.fields && metadata.fields.object === objectName ? metadata.fields.list : null;
  const needsMetadata = objectName !== null;
  const kindOptions = SURVEY_KINDS;

  return (
    <div className="source-form">
      <TextField label={s.label} value={source.label} onChange={(label) => set({ label })} />
      {needsMetadata ? (
        <div className="actions">
          <button type="button" onClick={() => void metadata.loadObjects().then(() => (objectName ? metadata.loadFields(objectName) : undefined))} disabled={metadata.loading}>
            {s.loadObjects}
          </button>
          {metadata.loading ? <span role="status">{s.loadingMetadata}</span> : null}
        </div>
      ) : null}
      {metadata.problem ? <VerdictBox verdict={metadata.problem} /> : null}
      {(source.kind === 'hubspot-custom-object' || source.kind === 'salesforce-custom-object') && metadata.objects ? (
        <SelectField
          label={s.object}
          value={objectName ?? ''}
          placeholder={s.pickObject}
          options={metadata.objects.map((object) => ({ value: object.name, label: `${object.label} (${object.name})` }))}
          onChange={(object) => {
            set(source.kind === 'hubspot-custom-object' ? { objectType: object } : { object });
            void metadata.loadFields(object);
          }}
        />
      ) : source.kind === 'hubspot-custom-object' ? (
        <TextField label={s.object} value={source.objectType} onChange={(objectType) => set({ objectType: objectType.trim() })} />
      ) : source.kind === 'salesforce-custom-object' ? (
        <TextField label={s.object} value={source.object} onChange={(object) => set({ object: object.trim() })} />
      ) : null}

      {source.kind === 'hubspot-feedback' ? (
        <fieldset>
          <legend>{s.kinds}</legend>
          {(['NPS', 'CSAT', 'CES'] as const).map((type) => (
            <label key={type} className="check">
              <input
                type="checkbox"
                checked={source.surveyTypes.includes(type)}
                onChange={(event) =>
                  set({ surveyTypes: event.target.checked ? [...source.surveyTypes, type] : source.surveyTypes.filter((t) => t !== type) })
                }
              />
              {type}
            </label>
          ))}
        </fieldset>
      ) : null}

      {source.kind === 'hubspot-contact-properties' ? (
        <>
          <SelectField label={s.fixedKind} value={source.surveyKind} options={kindOptions} onChange={(surveyKind) => set({ surveyKind })} />
          <FieldPicker role="score" label={s.scoreField} value={source.scoreProperty} fields={fields} onChange={(v) => set({ scoreProperty: v ?? '' })} />
          <FieldPicker role="date" label={s.dateField} value={source.dateProperty} nullable fields={fields} onChange={(v) => set({ dateProperty: v })} />
          <FieldPicker role="text" label={s.commentField} value={source.commentProperty} nullable fields={fields} onChange={(v) => set({ commentProperty: v })} />
          <TextField label={s.surveyName} value={source.surveyName ?? ''} onChange={(v) => set({ surveyName: v.trim() || null })} />
        </>
      ) : null}

      {source.kind === 'hubspot-custom-object' ? (
        <>
          <FieldPicker role="score" label={s.scoreField} value={source.scoreProperty} fields={fields} onChange={(v) => set({ scoreProperty: v ?? '' })} />
          <FieldPicker role="date" label={s.dateField} value={source.dateProperty} fields={fields} onChange={(v) => set({ dateProperty: v ?? '' })} />
          <FieldPicker role="text" label={s.commentField} value={source.commentProperty} nullable fields={fields} onChange={(v) => set({ commentProperty: v })} />
          <FieldPicker role="label" label={s.surveyKindField} value={source.surveyKindProperty} nullable fields={fields} onChange={(v) => set({ surveyKindProperty: v })} />
          <SelectField label={s.fixedKind} value={source.fixedSurveyKind} options={kindOptions} onChange={(fixedSurveyKind) => set({ fixedSurveyKind })} />
          <FieldPicker role="label" label={s.surveyNameField} value={source.surveyNameProperty} nullable fields={fields} onChange={(v) => set({ surveyNameProperty: v })} />
        </>
      ) : null}

      {source.kind === 'salesforce-custom-object' ? (
        <>
          <FieldPicker role="score" label={s.scoreField} value={source.scoreField} fields={fields} onChange={(v) => set({ scoreField: v ?? '' })} />
          <FieldPicker role="date" label={s.dateField} value={source.dateField} fields={fields} onChange={(v) => set({ dateField: v ?? '' })} />
          <FieldPicker role="lookup" label={s.contactField} value={source.contactField} fields={fields} onChange={(v) => set({ contactField: v ?? '' })} />
          <FieldPicker role="lookup" label={s.accountField} value={source.accountField} nullable fields={fields} onChange={(v) => set({ accountField: v })} />
          <FieldPicker role="text" label={s.commentField} value={source.commentField} nullable fields={fields} onChange={(v) => set({ commentField: v })} />
          <FieldPicker role="label" label={s.surveyKindField} value={source.surveyKindField} nullable fields={fields} onChange={(v) => set({ surveyKindField: v })} />
          <SelectField label={s.fixedKind} value={source.fixedSurveyKind} options={kindOptions} onChange={(fixedSurveyKind) => set({ fixedSurveyKind })} />
          <FieldPicker role="label" label={s.surveyNameField} value={source.surveyNameField} nullable fields={fields} onChange={(v) => set({ surveyNameField: v })} />
        </>
      ) : null}

      {source.kind === 'salesforce-surveys' ? (
        <>
          <TextField
            label={s.csatQuestions}
            value={source.csatQuestionIds.join(', ')}
            onChange={(v) => set({ csatQuestionIds: v.split(/[\s,]+/).filter(Boolean) })}
          />
          <TextField
            label={s.cesQuestions}
            value={source.cesQuestionIds.join(', ')}
            onChange={(v) => set({ cesQuestionIds: v.split(/[\s,]+/).filter(Boolean) })}
          />
        </>
      ) : null}
    </div>
  );
}

/** Builds a mapping, proves it on the latest rows, and only then lets it be added. */
export function MappingBuilder(props: { existing: Record<Crm, readonly Source[]>; onAdd: (crm: Crm, source: Source) => void; date: (ms: number) => string }) {
  const s = useStrings();
  const headingId = useId();
  const [crm, setCrm] = useState<Crm>('hubspot');
  const [start, setStart] = useState('custom');
  const [source, setSource] = useState<Source>(CUSTOM.hubspot);
  const [preview, setPreview] = useState<{ of: string; result: PreviewResult } | null>(null);
  const [problem, setProblem] = useState<Verdict | null>(null);
  const [busy, setBusy] = useState(false);
  const metadata = useMetadata(crm, s);

  const candidate: Source = { ...source, id: sourceIdFor(source.label, props.existing[crm].map((existing) => existing.id)) };
  const checked = validate(crm, candidate, s);
  const candidateJson = JSON.stringify(candidate);
  const previewIsCurrent = preview !== null && preview.of === candidateJson;

  const choose = (nextCrm: Crm, nextStart: string) => {
    setCrm(nextCrm);
    setStart(nextStart);
    const preset = PRESETS[nextCrm].find((p) => p.id === nextStart);
    setSource(structuredClone(preset ?? CUSTOM[nextCrm]));
    setPreview(null);
    setProblem(null);
    if (nextCrm !== crm) metadata.reset();
  };

  const runPreview = async () => {
    if (!checked.ok) return;
    setBusy(true);
    setProblem(null);
    const reply = await sendRequest({ type: 'source.preview', source: checked.source });
    setBusy(false);
    if (reply.ok) setPreview({ of: candidateJson, result: reply.value });
    else {
      setPreview(null);
      setProblem(errorVerdict(reply.error, s));
    }
  };

  // A mapping whose latest rows all fail would show nothing in the panel: it is not added.
  const previewReadsRows = previewIsCurrent && preview.result.parsed.length > 0;

  const add = () => {
    if (!checked.ok || !previewReadsRows) return;
    props.onAdd(crm, checked.source);
    choose(crm, 'custom');
  };

  return (
    <section className="card mapping-builder" aria-labelledby={headingId}>
      <h3 id={headingId}>{s.newMapping}</h3>
      <div className="row">
        <SelectField
          label={s.crm}
          value={crm}
          options={[
            { value: 'hubspot', label: s.hubspot },
            { value: 'salesforce', label: s.salesforce },
          ]}
          onChange={(next) => choose(next, 'custom')}
        />
        <SelectField
          label={s.startFrom}
          value={start}
          options={[...PRESETS[crm].map((preset) => ({ value: preset.id, label: s.presetLabels[preset.id] ?? preset.label })), { value: 'custom', label: s.custom }]}
          onChange={(next) => choose(crm, next)}
        />
      </div>
      <SourceForm
        crm={crm}
        source={source}
        metadata={metadata}
        onChange={(next) => {
          setSource(next);
          setProblem(null);
        }}
      />
      <p className="muted">{s.scales}</p>
      {!checked.ok ? <p className="muted">{s.invalidMapping(checked.reason)}</p> : null}
      <div className="actions">
        <button type="button" onClick={() => void runPreview()} disabled={!checked.ok || busy}>
          {s.preview}
        </button>
        <button type="button" className="primary" onClick={add} disabled={!checked.ok || !previewReadsRows}>
          {s.addMapping}
        </button>
      </div>
      {busy ? <p role="status">{s.previewing}</p> : null}
      {checked.ok && !previewIsCurrent && !busy ? <p className="muted">{preview ? s.previewStale : s.previewFirst}</p> : null}
      {previewIsCurrent && !previewReadsRows ? (
        <VerdictBox
          verdict={{
            tone: 'error',
            title: s.previewReadsNothing,
            detail: preview.result.rejected.length > 0 ? s.previewAllRejected(preview.result.rejected.length) : s.previewNoRows,
            advice: s.previewReadsNothingAdvice,
            origin: null,
          }}
        />
      ) : null}
      {problem ? <VerdictBox verdict={problem} /> : null}
      {preview && previewIsCurrent ? <PreviewTable preview={preview.result} date={props.date} /> : null}
    </section>
  );
}

export function ScoreMappingSection(props: { draft: Settings; edit: Edit; date: (ms: number) => string }) {
  const s = useStrings();
  const { draft, edit } = props;
  return (
    <section id="mapping" className="section" aria-labelledby="mapping-heading">
      <h2 id="mapping-heading">{s.mapping}</h2>
      <p>{s.mappingIntro}</p>
      <div className="cards">
        <MappingList
          crm="hubspot"
          sources={draft.hubspot.sources}
          onRemove={(id) => edit((d) => void (d.hubspot.sources = d.hubspot.sources.filter((source) => source.id !== id)))}
        />
        <MappingList
          crm="salesforce"
          sources={draft.salesforce.sources}
          onRemove={(id) => edit((d) => void (d.salesforce.sources = d.salesforce.sources.filter((source) => source.id !== id)))}
        />
      </div>
      <MappingBuilder
        existing={{ hubspot: draft.hubspot.sources, salesforce: draft.salesforce.sources }}
        date={props.date}
        onAdd={(crm, source) =>
          edit((d) => {
            if (crm === 'hubspot') d.hubspot.sources.push(source as HubSpotSource);
            else d.salesforce.sources.push(source as SalesforceSource);
          })
        }
      />
    </section>
  );
}

import { useState } from 'react';
import type { RollupMethod, Settings } from '../../core/settings';
import { CheckboxField, NumberField, SelectField, TextAreaField, TextField, lines, useLocked, type Edit } from './fields';
import { useStrings } from './strings';
import { HubSpotFollowUpFields } from './HubSpotFollowUpFields';

/** "decision maker: 3" lines ⇄ role weights. A line without a number is kept out rather than guessed. */
export function parseRoleWeights(text: string): Record<string, number> {
  const weights: Record<string, number> = {};
  for (const line of lines(text)) {
    const match = /^(.+?)\s*[:=]\s*(\d+(?:\.\d+)?)$/.exec(line);
    if (match?.[1] && match[2]) weights[match[1].trim()] = Number(match[2]);
  }
  return weights;
}

function formatRoleWeights(weights: Record<string, number>): string {
  return Object.entries(weights)
    .map(([role, weight]) => `${role}: ${weight}`)
    .join('\n');
}

function RootCauses(props: { causes: string[]; edit: Edit }) {
  const s = useStrings();
  const locked = useLocked('rules.rootCauses');
  const [next, setNext] = useState('');
  const add = () => {
    const cause = next.trim();
    if (!cause || props.causes.includes(cause)) return;
    props.edit((draft) => void draft.rules.rootCauses.push(cause));
    setNext('');
  };
  return (
    <fieldset className="root-causes" disabled={locked}>
      <legend>{s.rootCauses}</legend>
      <p className="help">
        {locked ? <span className="locked-note">🔒 {s.lockedNote}. </span> : null}
        {s.rootCausesHelp}
      </p>
      <ol>
        {props.causes.map((cause, index) => (
          <li key={`${index}-${cause}`}>
            <input
              aria-label={`${s.rootCauses} ${index + 1}`}
              value={cause}
              maxLength={80}
              onChange={(event) => props.edit((draft) => void (draft.rules.rootCauses[index] = event.target.value))}
            />
            <button
              type="button"
              aria-label={s.moveUp(cause)}
              disabled={index === 0}
              onClick={() =>
                props.edit((draft) => {
                  const list = draft.rules.rootCauses;
                  [list[index - 1], list[index]] = [list[index]!, list[index - 1]!];
                })
              }
            >
              ↑
            </button>
            <button type="button" aria-label={s.removeNamed(cause)} onClick={() => props.edit((draft) => void draft.rules.rootCauses.splice(index, 1))}>
              ✕
            </button>
          </li>
        ))}
      </ol>
      <div className="inline-form">
        <TextField label={s.newRootCause} value={next} onChange={setNext} />
        <button type="button" onClick={add} disabled={!next.trim()}>
          {s.add}
        </button>
      </div>
    </fieldset>
  );
}

export function LoopRulesSection(props: { draft: Settings; edit: Edit }) {
  const s = useStrings();
  const { draft, edit } = props;
  const rules = draft.rules;
  const [weightsText, setWeightsText] = useState(() => formatRoleWeights(rules.rollup.roleWeights));

  return (
    <section id="rules" className="section" aria-labelledby="rules-heading">
      <h2 id="rules-heading">{s.rules}</h2>
      <div className="grid">
        <NumberField label={s.followUpMax} path="rules.followUpMaxScore" min={0} max={10} value={rules.followUpMaxScore} onChange={(v) => edit((d) => void (d.rules.followUpMaxScore = v))} />
        <NumberField label={s.urgentMax} path="rules.urgentMaxScore" min={0} max={10} value={rules.urgentMaxScore} onChange={(v) => edit((d) => void (d.rules.urgentMaxScore = v))} />
        <NumberField label={s.slaDetractor} path="rules.slaHours.detractor" min={1} max={1440} value={rules.slaHours.detractor} onChange={(v) => edit((d) => void (d.rules.slaHours.detractor = v))} />
        <NumberField label={s.slaPassive} path="rules.slaHours.passive" min={1} max={1440} value={rules.slaHours.passive} onChange={(v) => edit((d) => void (d.rules.slaHours.passive = v))} />
        <NumberField label={s.slaPromoter} path="rules.slaHours.promoter" min={1} max={1440} value={rules.slaHours.promoter} onChange={(v) => edit((d) => void (d.rules.slaHours.promoter = v))} />
        <NumberField label={s.quietPeriod} path="rules.quietPeriodDays" min={0} max={365} value={rules.quietPeriodDays} onChange={(v) => edit((d) => void (d.rules.quietPeriodDays = v))} />
      </div>
      <CheckboxField label={s.businessDays} path="rules.businessDaysForPassives" checked={rules.businessDaysForPassives} onChange={(v) => edit((d) => void (d.rules.businessDaysForPassives = v))} />

      <h3>{s.whereFollowUps}</h3>
      <div className="grid">
        <HubSpotFollowUpFields draft={draft} edit={edit} />
        <TextField label={s.sfCaseType} path="salesforce.followUpCaseType" value={draft.salesforce.followUpCaseType ?? ''} onChange={(v) => edit((d) => void (d.salesforce.followUpCaseType = v.trim() || null))} />
        <TextField label={s.sfClosedStatus} path="salesforce.closedCaseStatus" value={draft.salesforce.closedCaseStatus ?? ''} onChange={(v) => edit((d) => void (d.salesforce.closedCaseStatus = v.trim() || null))} />
      </div>
      <div className="grid">
        <TextAreaField label={s.sfCaseTypes} value={draft.salesforce.caseTypes.join('\n')} onChange={(v) => edit((d) => void (d.salesforce.caseTypes = lines(v)))} />
        <TextAreaField label={s.sfCaseOrigins} value={draft.salesforce.caseOrigins.join('\n')} onChange={(v) => edit((d) => void (d.salesforce.caseOrigins = lines(v)))} />
      </div>

      <h3>{s.routing}</h3>
      <SelectField
        label={s.routing}
        value={rules.routing.kind}
        options={[
          { value: 'recordOwner', label: s.routingRecordOwner },
          { value: 'accountOwner', label: s.routingAccountOwner },
          { value: 'namedUser', label: s.routingNamedUser },
        ]}
        onChange={(kind) =>
          edit((d) => void (d.rules.routing = kind === 'namedUser' ? { kind, userId: '', label: '' } : { kind }))
        }
      />
      {rules.routing.kind === 'namedUser' ? (
        <div className="grid">
          <TextField label={s.namedUserId} value={rules.routing.userId} onChange={(v) => edit((d) => void (d.rules.routing.kind === 'namedUser' && (d.rules.routing.userId = v.trim())))} />
          <TextField label={s.namedUserLabel} value={rules.routing.label} onChange={(v) => edit((d) => void (d.rules.routing.kind === 'namedUser' && (d.rules.routing.label = v)))} />
        </div>
      ) : null}

      <h3>{s.rollup}</h3>
      <div className="grid">
        <SelectField<RollupMethod>
          label={s.rollupMethod}
          path="rules.rollup.method"
          value={rules.rollup.method}
          options={[
            { value: 'latestPerContact', label: s.rollupLatest },
            { value: 'window', label: s.rollupWindow },
            { value: 'weightedByRole', label: s.rollupWeighted },
          ]}
          onChange={(method) => edit((d) => void (d.rules.rollup.method = method))}
        />
        <NumberField label={s.windowDays} path="rules.rollup.windowDays" min={1} max={3660} value={rules.rollup.windowDays} onChange={(v) => edit((d) => void (d.rules.rollup.windowDays = v))} />
      </div>
      <p className="help" role="note" data-rollup-note={rules.rollup.method}>
        {rules.rollup.method === 'latestPerContact' ? s.rollupLatestNote : rules.rollup.method === 'window' ? s.rollupWindowNote : s.rollupWeightedNote}
      </p>
      {rules.rollup.method !== 'latestPerContact' ? (
        <button type="button" onClick={() => edit((d) => void (d.rules.rollup.method = 'latestPerContact'))}>
          {s.rollupUseLatest}
        </button>
      ) : null}
      {rules.rollup.method === 'weightedByRole' ? (
        <TextAreaField
          label={s.roleWeights}
          value={weightsText}
          onChange={(text) => {
            setWeightsText(text);
            edit((d) => void (d.rules.rollup.roleWeights = parseRoleWeights(text)));
          }}
        />
      ) : null}

      <h3>{s.revenue}</h3>
      <div className="grid">
        <SelectField
          label={s.hubspot}
          value={draft.hubspot.revenue.kind}
          options={[
            { value: 'openDeals', label: s.hsOpenDeals },
            { value: 'companyProperty', label: s.hsCompanyProperty },
          ]}
          onChange={(kind) => edit((d) => void (d.hubspot.revenue = kind === 'openDeals' ? { kind } : { kind, property: 'annualrevenue' }))}
        />
        {draft.hubspot.revenue.kind === 'companyProperty' ? (
          <TextField
            label={s.propertyName}
            value={draft.hubspot.revenue.property}
            onChange={(v) => edit((d) => void (d.hubspot.revenue = { kind: 'companyProperty', property: v.trim() }))}
          />
        ) : null}
        <SelectField
          label={s.salesforce}
          value={draft.salesforce.revenue.kind}
          options={[
            { value: 'openOpportunities', label: s.sfOpenOpps },
            { value: 'accountField', label: s.sfAccountField },
          ]}
          onChange={(kind) => edit((d) => void (d.salesforce.revenue = kind === 'openOpportunities' ? { kind } : { kind, field: 'AnnualRevenue' }))}
        />
        {draft.salesforce.revenue.kind === 'accountField' ? (
          <TextField
            label={s.fieldName}
            value={draft.salesforce.revenue.field}
            onChange={(v) => edit((d) => void (d.salesforce.revenue = { kind: 'accountField', field: v.trim() }))}
          />
        ) : null}
      </div>

      <RootCauses causes={rules.rootCauses} edit={edit} />

      <h3>{s.display}</h3>
      <div className="grid">
        <SelectField
          label={s.language}
          path="ui.language"
          value={draft.ui.language}
          options={[
            { value: 'auto', label: s.languageAuto },
            { value: 'en', label: s.languageEnglish },
            { value: 'ru', label: s.languageRussian },
          ]}
          onChange={(language) => edit((d) => void (d.ui.language = language))}
        />
      </div>
      <CheckboxField label={s.callModeDefault} path="ui.callModeDefault" checked={draft.ui.callModeDefault} onChange={(v) => edit((d) => void (d.ui.callModeDefault = v))} />
    </section>
  );
}

import {
  ASSESSMENT_TYPES,
  EQF_LEVELS,
  INTEGRATION_OPTIONS,
  PARTICIPATION_FORMS,
  QUALITY_ASSURANCE_TYPES,
  SUPERVISION_TYPES,
} from '../../../src/domain/eu-elements.ts';
import type { AchievementForm } from '../achievement-form.ts';
import { Field, FieldSet } from './Field.tsx';

type ErrorFor = (pointer: string) => string | undefined;
type Update = (patch: Partial<AchievementForm>) => void;

function toggle(list: string[], code: string, on: boolean): string[] {
  return on ? [...list.filter((c) => c !== code), code] : list.filter((c) => c !== code);
}

/** The EU Annex I elements of a micro-credential definition, with the codes of src/domain/eu-elements.ts. */
export function EuFields({ form, update, errorFor }: { form: AchievementForm; update: Update; errorFor: ErrorFor }) {
  const mandatory = form.achievementType === 'MicroCredential';
  return (
    <fieldset className="group">
      <legend>EU micro-credential elements</legend>
      <p className="hint">Council Recommendation 2022/C 243/02, Annex I. Required for a MicroCredential.</p>
      <div className="grid">
        <Field id="ects" label="Notional workload (ECTS credits)" hint="A number ≥ 0 with at most two decimals, e.g. 2.5." required={mandatory} error={errorFor('/eu/creditsAvailable')}>
          {(p) => <input {...p} inputMode="decimal" value={form.ects} onChange={(e) => update({ ects: e.target.value })} />}
        </Field>
        <Field id="eqf" label="EQF level" hint="Where applicable." error={errorFor('/eu/eqfLevel')}>
          {(p) => (
            <select {...p} value={form.eqfLevel} onChange={(e) => update({ eqfLevel: e.target.value })}>
              <option value="">Not applicable</option>
              {EQF_LEVELS.map((l) => (
                <option key={l.code} value={l.code}>
                  {l.label}
                </option>
              ))}
            </select>
          )}
        </Field>
      </div>
      <FieldSet id="assessmentType" legend={`Type of assessment${mandatory ? ' (required)' : ''}`} hint="One or more." error={errorFor('/eu/assessmentType')}>
        <div className="choices">
          {ASSESSMENT_TYPES.map((t) => (
            <label key={t.code} className="choice">
              <input
                type="checkbox"
                name="assessmentType"
                value={t.code}
                checked={form.assessmentType.includes(t.code)}
                onChange={(e) => update({ assessmentType: toggle(form.assessmentType, t.code, e.target.checked) })}
              />
              {t.label}
            </label>
          ))}
        </div>
      </FieldSet>
      <FieldSet id="participationForm" legend={`Form of participation${mandatory ? ' (required)' : ''}`} error={errorFor('/eu/participationForm')}>
        <div className="choices">
          {PARTICIPATION_FORMS.map((f) => (
            <label key={f.code} className="choice">
              <input
                type="radio"
                name="participationForm"
                value={f.code}
                checked={form.participationForm === f.code}
                onChange={() => update({ participationForm: f.code })}
              />
              {f.label}
            </label>
          ))}
        </div>
      </FieldSet>
      <FieldSet id="qualityAssurance" legend={`Type of quality assurance${mandatory ? ' (required)' : ''}`} error={errorFor('/eu/qualityAssurance')}>
        <div className="choices">
          {QUALITY_ASSURANCE_TYPES.map((q) => (
            <label key={q.code} className="choice">
              <input
                type="checkbox"
                name="qualityAssurance"
                value={q.code}
                checked={form.qualityAssurance.includes(q.code)}
                onChange={(e) => update({ qualityAssurance: toggle(form.qualityAssurance, q.code, e.target.checked) })}
              />
              {q.label}
            </label>
          ))}
        </div>
      </FieldSet>
      <details className="optional">
        <summary>Optional elements</summary>
        <div className="grid">
          <Field id="supervision" label="Supervision and identity verification" error={errorFor('/eu/supervision')}>
            {(p) => (
              <select {...p} value={form.supervision} onChange={(e) => update({ supervision: e.target.value })}>
                <option value="">Not stated</option>
                {SUPERVISION_TYPES.map((s) => (
                  <option key={s.code} value={s.code}>
                    {s.label}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field id="integration" label="Integration / stackability" error={errorFor('/eu/integration')}>
            {(p) => (
              <select {...p} value={form.integration} onChange={(e) => update({ integration: e.target.value })}>
                <option value="">Not stated</option>
                {INTEGRATION_OPTIONS.map((o) => (
                  <option key={o.code} value={o.code}>
                    {o.label}
                  </option>
                ))}
              </select>
            )}
          </Field>
        </div>
        <Field id="stackableTowards" label="Stacks towards" hint="Addresses (IRIs) of credentials or achievements, one per line." error={errorFor('/eu/stackableTowards')}>
          {(p) => <textarea {...p} rows={2} value={form.stackableTowards} onChange={(e) => update({ stackableTowards: e.target.value })} />}
        </Field>
        <Field id="prerequisites" label="Prerequisites" error={errorFor('/eu/prerequisites')}>
          {(p) => <textarea {...p} rows={2} value={form.prerequisites} onChange={(e) => update({ prerequisites: e.target.value })} />}
        </Field>
        <Field id="furtherInformation" label="Further information" error={errorFor('/eu/furtherInformation')}>
          {(p) => <textarea {...p} rows={2} value={form.furtherInformation} onChange={(e) => update({ furtherInformation: e.target.value })} />}
        </Field>
      </details>
    </fieldset>
  );
}

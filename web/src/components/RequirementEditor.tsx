import { Field } from './Field.tsx';
import { CataloguePicker, TextList } from './PathwayFields.tsx';
import type { ConditionsForm, RequirementForm } from '../pathway-form.ts';
import type { CatalogueItem } from '../api-types.ts';
import { KIND_LABELS } from '../pathway-form.ts';

export interface ProblemLookup {
  /** Messages at the pointer or below it. */
  under(pointer: string): string | undefined;
  /** Messages at exactly the pointer. */
  at(pointer: string): string | undefined;
}

const EQF = [1, 2, 3, 4, 5, 6, 7, 8];

function joined(...messages: (string | undefined)[]): string | undefined {
  const kept = messages.filter(Boolean);
  return kept.length ? kept.join(' ') : undefined;
}

/** One requirement of a pathway, edited in a form; `base` is its pointer into the body (/rules/requirements/i). */
export function RequirementEditor(props: {
  req: RequirementForm;
  index: number;
  count: number;
  base: string;
  catalogue: CatalogueItem[];
  problems: ProblemLookup;
  issuerList: string;
  update(patch: Partial<RequirementForm>): void;
  remove(): void;
  move(by: -1 | 1): void;
}) {
  const { req, index, count, base, catalogue, problems, issuerList, update } = props;
  const id = `req-${req.key}`;
  const number = index + 1;
  const name = req.label.trim() || `requirement ${number}`;
  const setConditions = (patch: Partial<ConditionsForm>) => update({ conditions: { ...req.conditions, ...patch } });
  const selectionBase = req.kind === 'allOf' ? `${base}/where` : `${base}/from`;
  const hasSelection = req.kind === 'atLeastN' || req.kind === 'atLeastCredits' || req.kind === 'minEqfLevel';
  const conditionsSet = req.conditions.issuers.length > 0 || [req.conditions.minEqfLevel, req.conditions.maxAge, req.conditions.minCredits].some((v) => v.trim() !== '');
  const conditionsError = problems.under(selectionBase + '/issuers') || problems.under(selectionBase + '/minEqfLevel') || problems.under(selectionBase + '/maxAge') || problems.under(selectionBase + '/minCredits');
  const headError = joined(problems.at(base), problems.under(`${base}/id`), problems.under(`${base}/kind`), problems.under(`${base}/allowSharing`));
  return (
    <li className="requirement-edit" data-testid="requirement-editor">
      <fieldset className={headError ? 'group group-invalid' : 'group'} aria-describedby={headError ? `${id}-error` : undefined}>
        <legend>
          Requirement {number}: {KIND_LABELS[req.kind]}
        </legend>
        {headError ? (
          <p className="field-error" id={`${id}-error`}>
            {headError}
          </p>
        ) : null}
        <Field id={`${id}-label`} label="Label" hint="What learners see, e.g. “Core courses”." error={problems.under(`${base}/label`)}>
          {(p) => <input {...p} value={req.label} onChange={(e) => update({ label: e.target.value })} />}
        </Field>

        {req.kind === 'allOf' ? (
          <CataloguePicker
            id={`${id}-achievements`}
            legend="Achievements (one credential of each)"
            values={req.achievements}
            onChange={(achievements) => update({ achievements })}
            catalogue={catalogue}
            error={problems.under(`${base}/achievements`)}
          />
        ) : null}
        {req.kind === 'atLeastN' ? (
          <Field id={`${id}-n`} label="How many credentials" error={problems.under(`${base}/n`)}>
            {(p) => <input {...p} type="number" inputMode="numeric" min="1" step="1" value={req.n} onChange={(e) => update({ n: e.target.value })} />}
          </Field>
        ) : null}
        {req.kind === 'atLeastCredits' ? (
          <Field id={`${id}-credits`} label="ECTS credits at least" hint="A credential counts whole, never split." error={problems.under(`${base}/credits`)}>
            {(p) => <input {...p} type="number" inputMode="decimal" min="0" step="0.5" value={req.credits} onChange={(e) => update({ credits: e.target.value })} />}
          </Field>
        ) : null}
        {req.kind === 'minEqfLevel' ? (
          <div className="grid">
            <Field id={`${id}-level`} label="EQF level at least" error={problems.under(`${base}/level`)}>
              {(p) => (
                <select {...p} value={req.level} onChange={(e) => update({ level: e.target.value })}>
                  <option value="">Choose a level</option>
                  {EQF.map((l) => (
                    <option key={l} value={String(l)}>
                      Level {l}
                    </option>
                  ))}
                </select>
              )}
            </Field>
            <Field id={`${id}-count`} label="How many credentials" hint="Empty means one." error={problems.under(`${base}/count`)}>
              {(p) => <input {...p} type="number" inputMode="numeric" min="1" step="1" value={req.count} onChange={(e) => update({ count: e.target.value })} />}
            </Field>
          </div>
        ) : null}
        {req.kind === 'outcomes' ? (
          <TextList
            id={`${id}-outcomes`}
            legend="Learning outcomes or skills to cover"
            hint="Their addresses, as credentials align to them (e.g. an ESCO skill http://data.europa.eu/esco/skill/…)."
            itemLabel="Outcome or skill address"
            addLabel="Add an outcome or skill"
            type="url"
            values={req.outcomes}
            onChange={(outcomes) => update({ outcomes })}
            error={problems.under(`${base}/outcomes`)}
          />
        ) : null}

        {hasSelection ? (
          <div className="selection" role="group" aria-labelledby={`${id}-selection`}>
            <h3 className="subhead" id={`${id}-selection`}>
              Which credentials count
            </h3>
            <p className="hint">A credential counts when it matches any of these; leave all three empty to take any credential.</p>
            {problems.at(`${base}/from`) ? <p className="field-error">{problems.at(`${base}/from`)}</p> : null}
            <CataloguePicker
              id={`${id}-from-achievements`}
              legend="These achievements"
              values={req.achievements}
              onChange={(achievements) => update({ achievements })}
              catalogue={catalogue}
              error={problems.under(`${base}/from/achievements`)}
            />
            <TextList
              id={`${id}-from-skills`}
              legend="Achievements aligned to these skills"
              itemLabel="Skill address"
              addLabel="Add a skill"
              type="url"
              values={req.alignments}
              onChange={(alignments) => update({ alignments })}
              error={problems.under(`${base}/from/alignments`)}
            />
            <TextList
              id={`${id}-from-fields`}
              legend="Achievements in these fields of study"
              itemLabel="Field of study"
              addLabel="Add a field of study"
              values={req.fieldsOfStudy}
              onChange={(fieldsOfStudy) => update({ fieldsOfStudy })}
              error={problems.under(`${base}/from/fieldsOfStudy`)}
            />
          </div>
        ) : null}

        <label className="choice">
          <input type="checkbox" checked={req.allowSharing} onChange={(e) => update({ allowSharing: e.target.checked })} />
          Credentials counted here may also count toward one other requirement
        </label>

        <details className="optional conditions" open={conditionsSet || conditionsError !== undefined}>
          <summary>
            Conditions<span className="visually-hidden"> of {name}</span>
            {conditionsSet ? ' (set)' : ''}
          </summary>
          {problems.at(selectionBase) ? <p className="field-error">{problems.at(selectionBase)}</p> : null}
          <TextList
            id={`${id}-issuers`}
            legend="Only from these issuers"
            hint="Their DID or URL, as credentials name them; empty accepts the pathway’s issuers."
            itemLabel="Issuer"
            addLabel="Add an issuer"
            datalist={issuerList}
            values={req.conditions.issuers}
            onChange={(issuers) => setConditions({ issuers })}
            error={problems.under(`${selectionBase}/issuers`)}
          />
          <div className="grid">
            <Field id={`${id}-min-eqf`} label="EQF level at least" error={problems.under(`${selectionBase}/minEqfLevel`)}>
              {(p) => (
                <select {...p} value={req.conditions.minEqfLevel} onChange={(e) => setConditions({ minEqfLevel: e.target.value })}>
                  <option value="">Any level</option>
                  {EQF.map((l) => (
                    <option key={l} value={String(l)}>
                      Level {l}
                    </option>
                  ))}
                </select>
              )}
            </Field>
            <Field id={`${id}-max-age`} label="No older than" hint="Days, or a duration such as P2Y or P18M." error={problems.under(`${selectionBase}/maxAge`)}>
              {(p) => <input {...p} value={req.conditions.maxAge} onChange={(e) => setConditions({ maxAge: e.target.value })} />}
            </Field>
            <Field id={`${id}-min-credits`} label="ECTS of each at least" error={problems.under(`${selectionBase}/minCredits`)}>
              {(p) => <input {...p} type="number" inputMode="decimal" min="0" step="0.5" value={req.conditions.minCredits} onChange={(e) => setConditions({ minCredits: e.target.value })} />}
            </Field>
          </div>
        </details>

        <div className="button-row">
          <button type="button" className="small" disabled={index === 0} onClick={() => props.move(-1)}>
            Move up<span className="visually-hidden"> {name}</span>
          </button>
          <button type="button" className="small" disabled={index === count - 1} onClick={() => props.move(1)}>
            Move down<span className="visually-hidden"> {name}</span>
          </button>
          <button type="button" className="small danger" disabled={count === 1} onClick={props.remove}>
            Remove<span className="visually-hidden"> {name}</span>
          </button>
        </div>
      </fieldset>
    </li>
  );
}

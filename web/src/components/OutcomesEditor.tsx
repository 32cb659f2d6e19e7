import type { AchievementForm, SkillRow } from '../achievement-form.ts';
import { Field } from './Field.tsx';

type ErrorFor = (pointer: string) => string | undefined;
type Update = (patch: Partial<AchievementForm>) => void;

function replaceAt<T>(list: T[], index: number, value: T): T[] {
  return list.map((item, i) => (i === index ? value : item));
}

/** Learning outcome statements and the ESCO skills they align to (URI + label). */
export function OutcomesEditor({ form, update, errorFor }: { form: AchievementForm; update: Update; errorFor: ErrorFor }) {
  const outcomes = form.learningOutcomes;
  const skills = form.skills;
  const setSkill = (i: number, patch: Partial<SkillRow>) => update({ skills: replaceAt(skills, i, { ...(skills[i] as SkillRow), ...patch }) });
  return (
    <fieldset className="group" aria-describedby={errorFor('/eu/learningOutcome') ? 'outcomes-error' : undefined}>
      <legend>Learning outcomes{form.achievementType === 'MicroCredential' ? ' (required)' : ''}</legend>
      <p className="hint">One statement each of what the learner knows or can do.</p>
      {errorFor('/eu/learningOutcome') && outcomes.every((_, i) => !errorFor(`/eu/learningOutcome/${i}`)) ? (
        <p className="field-error" id="outcomes-error">
          {errorFor('/eu/learningOutcome')}
        </p>
      ) : null}
      <ol className="rows">
        {outcomes.map((outcome, i) => (
          <li key={i} className="row">
            <Field id={`outcome-${i}`} label={`Outcome ${i + 1}`} error={errorFor(`/eu/learningOutcome/${i}`)}>
              {(p) => <textarea {...p} rows={2} value={outcome} onChange={(e) => update({ learningOutcomes: replaceAt(outcomes, i, e.target.value) })} />}
            </Field>
            {outcomes.length > 1 ? (
              <button type="button" className="small" onClick={() => update({ learningOutcomes: outcomes.filter((_, j) => j !== i) })}>
                Remove<span className="visually-hidden"> outcome {i + 1}</span>
              </button>
            ) : null}
          </li>
        ))}
      </ol>
      <button type="button" className="small" onClick={() => update({ learningOutcomes: [...outcomes, ''] })}>
        Add an outcome
      </button>

      <h3 className="subhead">ESCO skills</h3>
      <p className="hint">
        Align the outcomes to ESCO skills: the skill’s address (e.g. http://data.europa.eu/esco/skill/…) and its name.
      </p>
      <ol className="rows">
        {skills.map((skill, i) => (
          <li key={i} className="row">
            <div className="grid">
              <Field id={`skill-url-${i}`} label={`Skill ${i + 1} address (URI)`} error={errorFor(`/alignments/${i}/targetUrl`)}>
                {(p) => <input {...p} type="url" value={skill.targetUrl} onChange={(e) => setSkill(i, { targetUrl: e.target.value })} />}
              </Field>
              <Field id={`skill-name-${i}`} label={`Skill ${i + 1} name`} error={errorFor(`/alignments/${i}/targetName`)}>
                {(p) => <input {...p} value={skill.targetName} onChange={(e) => setSkill(i, { targetName: e.target.value })} />}
              </Field>
            </div>
            <button type="button" className="small" onClick={() => update({ skills: skills.filter((_, j) => j !== i) })}>
              Remove<span className="visually-hidden"> skill {i + 1}</span>
            </button>
          </li>
        ))}
      </ol>
      <button type="button" className="small" onClick={() => update({ skills: [...skills, { targetUrl: '', targetName: '' }] })}>
        Add an ESCO skill
      </button>
    </fieldset>
  );
}

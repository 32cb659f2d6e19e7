import { useState } from 'react';
import type { FormEvent } from 'react';
import { asApiError } from '../api.ts';
import type { ApiError } from '../api.ts';
import { ErrorSummary } from '../components/ErrorSummary.tsx';
import { Field, FieldSet } from '../components/Field.tsx';
import { Notice } from '../components/Notice.tsx';
import { Screen } from '../components/Screen.tsx';
import { formatDate, useLoad } from '../load.ts';
import { Link } from '../router.tsx';
import { useOrganisation, useSession } from '../session.tsx';
import { agreementInWords } from '../recognition-types.ts';
import type { Agreement, Programme, ProgrammeModule } from '../recognition-types.ts';
import type { Achievement } from '../types.ts';

const num = (text: string): number | undefined => (text.trim() === '' ? undefined : Number(text));
const list = (text: string): string[] | undefined => {
  const items = text.split(/[\n,]/).map((s) => s.trim()).filter(Boolean);
  return items.length ? items : undefined;
};

/** The registrar's programmes: the credits prior learning is recognised toward, with the caps. */
export function ProgrammesScreen() {
  const { organisationId } = useOrganisation();
  const { api } = useSession();
  const base = `/api/v1/organisations/${organisationId}/programmes`;
  const programmes = useLoad((signal) => api.get<{ items: Programme[] }>(base, { signal }), organisationId);
  return (
    <Screen title="Programmes" intro="Programmes that learners can ask to have prior credentials recognised toward, with their modules and caps.">
      <p>
        <Link to="/console/recognition">Recognition requests</Link>
      </p>
      <ErrorSummary error={programmes.error} />
      {programmes.data?.items.length === 0 ? <Notice>No programmes yet.</Notice> : null}
      {programmes.data?.items.length ? (
        <div className="table-wrap">
          <table>
            <caption className="visually-hidden">Programmes</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Total ECTS</th>
                <th scope="col">Modules</th>
                <th scope="col">Cap</th>
                <th scope="col">Updated</th>
              </tr>
            </thead>
            <tbody>
              {programmes.data.items.map((p) => (
                <tr key={p.id}>
                  <td>
                    <Link to={`/console/programmes/${p.id}`}>{p.name}</Link>
                  </td>
                  <td>{p.totalCredits}</td>
                  <td>{p.modules.length}</td>
                  <td>{capInWords(p)}</td>
                  <td>{formatDate(p.updatedAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      <ProgrammeForm base={base} onSaved={() => programmes.reload()} />
    </Screen>
  );
}

function capInWords(p: Programme): string {
  const parts: string[] = [];
  if (p.maxRecognisedCredits !== undefined) parts.push(`${p.maxRecognisedCredits} ECTS`);
  if (p.maxRecognisedShare !== undefined) parts.push(`${Math.round(p.maxRecognisedShare * 100)} %`);
  return parts.length ? `At most ${parts.join(' and ')}` : 'None';
}

type ModuleRow = { id: string; name: string; credits: string };

/** Creates a programme, or edits one (`editing`: PUT, the version rises; agreements that would no longer hold are refused). */
function ProgrammeForm({ base, onSaved, editing }: { base: string; onSaved(p: Programme): void; editing?: Programme }) {
  const str = (n: number | undefined) => (n === undefined ? '' : String(n));
  const { api } = useSession();
  const { organisationId } = useOrganisation();
  const achievements = useLoad((signal) => api.get<{ items: Achievement[] }>(`/api/v1/organisations/${organisationId}/achievements`, { signal }), organisationId);
  const [achievementId, setAchievementId] = useState(editing?.achievementId ?? '');
  const [name, setName] = useState(editing?.name ?? '');
  const [total, setTotal] = useState(str(editing?.totalCredits));
  const [modules, setModules] = useState<ModuleRow[]>(
    editing?.modules.length ? editing.modules.map((m) => ({ id: m.id, name: m.name, credits: String(m.credits) })) : [{ id: '', name: '', credits: '' }],
  );
  const [maxCredits, setMaxCredits] = useState(str(editing?.maxRecognisedCredits));
  const [maxShare, setMaxShare] = useState(editing?.maxRecognisedShare === undefined ? '' : String(Math.round(editing.maxRecognisedShare * 100)));
  const [partial, setPartial] = useState(editing?.partialCredits ?? false);
  const prefix = editing ? 'edit-programme' : 'programme';
  const [error, setError] = useState<ApiError>();
  const [saved, setSaved] = useState<string>();
  const setRow = (i: number, change: Partial<ModuleRow>) => setModules(modules.map((m, j) => (j === i ? { ...m, ...change } : m)));
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(undefined);
    setSaved(undefined);
    const share = num(maxShare);
    const body = {
      name,
      totalCredits: num(total),
      modules: modules.filter((m) => m.id || m.name || m.credits).map((m): Partial<ProgrammeModule> => ({ id: m.id, name: m.name, credits: num(m.credits) })),
      ...(num(maxCredits) !== undefined ? { maxRecognisedCredits: num(maxCredits) } : {}),
      ...(share !== undefined ? { maxRecognisedShare: share / 100 } : {}),
      partialCredits: partial,
      achievementId: achievementId || null,
    };
    try {
      if (editing) {
        const programme = await api.put<Programme>(`${base}/${editing.id}`, body);
        setSaved(programme.name);
        onSaved(programme);
        return;
      }
      const programme = await api.post<Programme>(base, body);
      setSaved(programme.name);
      setName('');
      setTotal('');
      setModules([{ id: '', name: '', credits: '' }]);
      setMaxCredits('');
      setMaxShare('');
      setAchievementId('');
      onSaved(programme);
    } catch (e) {
      setError(asApiError(e));
    }
  };
  return (
    <form onSubmit={(e) => void submit(e)} noValidate className="form" aria-labelledby={`${prefix}-title`}>
      <h2 id={`${prefix}-title`}>{editing ? 'Edit the programme' : 'Create a programme'}</h2>
      {saved ? <Notice tone="success">Programme “{saved}” {editing ? 'saved' : 'created'}.</Notice> : null}
      <ErrorSummary error={error} />
      <Field id={`${prefix}-name`} label="Name" required error={error?.fieldMessage('/name')}>
        {(p) => <input {...p} value={name} onChange={(e) => setName(e.target.value)} />}
      </Field>
      <Field id={`${prefix}-total`} label="Total credits (ECTS)" required error={error?.fieldMessage('/totalCredits')}>
        {(p) => <input {...p} inputMode="decimal" value={total} onChange={(e) => setTotal(e.target.value)} />}
      </Field>
      <FieldSet id={`${prefix}-modules`} legend="Modules" hint="Each module's code, name and credits." error={error?.fieldMessage('/modules')}>
        <div className="table-wrap">
          <table>
            <caption className="visually-hidden">Modules</caption>
            <thead>
              <tr>
                <th scope="col">Code</th>
                <th scope="col">Name</th>
                <th scope="col">ECTS</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {modules.map((m, i) => (
                <tr key={i}>
                  <td>
                    <input aria-label={`Module ${i + 1} code`} value={m.id} size={8} onChange={(e) => setRow(i, { id: e.target.value })} />
                  </td>
                  <td>
                    <input aria-label={`Module ${i + 1} name`} value={m.name} onChange={(e) => setRow(i, { name: e.target.value })} />
                  </td>
                  <td>
                    <input aria-label={`Module ${i + 1} ECTS`} inputMode="decimal" size={4} value={m.credits} onChange={(e) => setRow(i, { credits: e.target.value })} />
                  </td>
                  <td>
                    <button type="button" className="small" onClick={() => setModules(modules.filter((_, j) => j !== i))}>
                      Remove<span className="visually-hidden"> module {i + 1}</span>
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <button type="button" className="small" onClick={() => setModules([...modules, { id: '', name: '', credits: '' }])}>
          Add a module
        </button>
      </FieldSet>
      <Field id={`${prefix}-max-credits`} label="At most this many ECTS from prior learning" hint="Leave empty for no cap." error={error?.fieldMessage('/maxRecognisedCredits')}>
        {(p) => <input {...p} inputMode="decimal" value={maxCredits} onChange={(e) => setMaxCredits(e.target.value)} />}
      </Field>
      <Field id={`${prefix}-max-share`} label="At most this share of the programme from prior learning (%)" hint="Leave empty for no cap." error={error?.fieldMessage('/maxRecognisedShare')}>
        {(p) => <input {...p} inputMode="decimal" value={maxShare} onChange={(e) => setMaxShare(e.target.value)} />}
      </Field>
      <label className="choice">
        <input type="checkbox" checked={partial} onChange={(e) => setPartial(e.target.checked)} />
        Recognise the part of an item that fits under a cap (partial credits)
      </label>
      <Field
        id={`${prefix}-achievement`}
        label="Recognition credential"
        hint="The micro-credential issued to the learner with the credits recognised. Without one, decisions are recorded but no credential is issued."
        error={error?.fieldMessage('/achievementId')}
      >
        {(p) => (
          <select {...p} value={achievementId} onChange={(e) => setAchievementId(e.target.value)}>
            <option value="">None</option>
            {achievements.data?.items.map((a) => (
              <option key={a.id} value={a.id}>
                {a.name}
              </option>
            ))}
          </select>
        )}
      </Field>
      <div className="button-row">
        <button type="submit" className="primary">
          {editing ? 'Save programme' : 'Create programme'}
        </button>
      </div>
    </form>
  );
}

/** One programme and its recognition agreements: which external achievements count for which module. */
export function ProgrammeScreen({ params }: { params: Record<string, string> }) {
  const { organisationId } = useOrganisation();
  const { api } = useSession();
  const id = params.id ?? '';
  const programme = useLoad((signal) => api.get<Programme>(`/api/v1/organisations/${organisationId}/programmes/${id}`, { signal }), id);
  const agreements = useLoad(
    (signal) => api.get<{ items: Agreement[] }>(`/api/v1/organisations/${organisationId}/recognition-agreements?programmeId=${encodeURIComponent(id)}`, { signal }),
    id,
  );
  const [error, setError] = useState<ApiError>();
  const remove = async (a: Agreement) => {
    setError(undefined);
    try {
      await api.delete(`/api/v1/organisations/${organisationId}/recognition-agreements/${a.id}`);
      agreements.reload();
    } catch (e) {
      setError(asApiError(e));
    }
  };
  const p = programme.data;
  const moduleName = (moduleId: string) => p?.modules.find((m) => m.id === moduleId)?.name ?? moduleId;
  const mine = agreements.data?.items.filter((a) => a.programmeId === id) ?? [];
  return (
    <Screen title={p ? p.name : 'Programme'}>
      <p>
        <Link to="/console/programmes">All programmes</Link>
      </p>
      <ErrorSummary error={programme.error ?? agreements.error ?? error} />
      {p ? (
        <dl className="facts wrap">
          <dt>Total credits</dt>
          <dd>{p.totalCredits} ECTS</dd>
          <dt>Cap on prior learning</dt>
          <dd>{capInWords(p)}</dd>
          <dt>Partial credits</dt>
          <dd>{p.partialCredits ? 'Yes' : 'No'}</dd>
          <dt>Modules</dt>
          <dd>{p.modules.map((m) => `${m.id} ${m.name} (${m.credits} ECTS)`).join('; ') || 'None'}</dd>
        </dl>
      ) : null}
      <h2>Recognition agreements</h2>
      {agreements.data && mine.length === 0 ? <Notice>No agreements yet.</Notice> : null}
      {mine.length ? (
        <div className="table-wrap">
          <table>
            <caption className="visually-hidden">Recognition agreements</caption>
            <thead>
              <tr>
                <th scope="col">Module</th>
                <th scope="col">ECTS</th>
                <th scope="col">Counts when</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {mine.map((a) => (
                <tr key={a.id}>
                  <td>{moduleName(a.moduleId)}</td>
                  <td>{a.credits}</td>
                  <td>{agreementInWords(a).join('; ')}</td>
                  <td>
                    <button type="button" className="small danger" onClick={() => void remove(a)}>
                      Delete<span className="visually-hidden"> agreement for {moduleName(a.moduleId)}</span>
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {p ? <AgreementForm programme={p} onSaved={() => agreements.reload()} /> : null}
      {p ? <ProgrammeForm key={p.id} base={`/api/v1/organisations/${organisationId}/programmes`} editing={p} onSaved={() => programme.reload()} /> : null}
    </Screen>
  );
}

function AgreementForm({ programme, onSaved }: { programme: Programme; onSaved(): void }) {
  const { organisationId } = useOrganisation();
  const { api } = useSession();
  const empty = {
    moduleId: programme.modules[0]?.id ?? '',
    credits: '',
    matchBy: 'achievement' as 'achievement' | 'alignment',
    issuerId: '',
    achievementId: '',
    alignments: '',
    fieldsOfStudy: '',
    minEqfLevel: '',
    minCredits: '',
    maxAge: '',
    qa: false,
    assessmentTypes: '',
    identityVerified: false,
    minGrade: '',
    allowPartial: false,
  };
  const [form, setForm] = useState(empty);
  const [error, setError] = useState<ApiError>();
  const [saved, setSaved] = useState(false);
  const set = (change: Partial<typeof form>) => setForm({ ...form, ...change });
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(undefined);
    setSaved(false);
    const match =
      form.matchBy === 'achievement'
        ? { ...(form.issuerId.trim() ? { issuerId: form.issuerId.trim() } : {}), ...(form.achievementId.trim() ? { achievementId: form.achievementId.trim() } : {}) }
        : { ...(list(form.alignments) ? { alignments: list(form.alignments) } : {}), ...(list(form.fieldsOfStudy) ? { fieldsOfStudy: list(form.fieldsOfStudy) } : {}) };
    const maxAge = form.maxAge.trim() === '' ? undefined : /^\d+$/.test(form.maxAge.trim()) ? Number(form.maxAge.trim()) : form.maxAge.trim();
    const grade = form.minGrade.trim() === '' ? undefined : { value: Number.isNaN(Number(form.minGrade)) ? form.minGrade.trim() : Number(form.minGrade) };
    const conditions = {
      ...(num(form.minEqfLevel) !== undefined ? { minEqfLevel: num(form.minEqfLevel) } : {}),
      ...(num(form.minCredits) !== undefined ? { minCredits: num(form.minCredits) } : {}),
      ...(maxAge !== undefined ? { maxAge } : {}),
      ...(form.qa ? { qualityAssuranceRequired: true } : {}),
      ...(list(form.assessmentTypes) ? { acceptedAssessmentTypes: list(form.assessmentTypes) } : {}),
      ...(form.identityVerified ? { identityVerifiedRequired: true } : {}),
      ...(grade ? { minGrade: grade } : {}),
    };
    try {
      await api.post(`/api/v1/organisations/${organisationId}/recognition-agreements`, {
        programmeId: programme.id,
        moduleId: form.moduleId,
        credits: num(form.credits),
        match,
        conditions,
        allowPartial: form.allowPartial,
      });
      setForm(empty);
      setSaved(true);
      onSaved();
    } catch (e) {
      setError(asApiError(e));
    }
  };
  const m = (pointer: string) => error?.fieldMessage(pointer);
  return (
    <form onSubmit={(e) => void submit(e)} noValidate className="form" aria-labelledby="new-agreement-title">
      <h2 id="new-agreement-title">Add an agreement</h2>
      {saved ? <Notice tone="success">Agreement added.</Notice> : null}
      <ErrorSummary error={error} />
      <Field id="agreement-module" label="Module" required error={m('/moduleId')}>
        {(p) => (
          <select {...p} value={form.moduleId} onChange={(e) => set({ moduleId: e.target.value })}>
            {programme.modules.map((mod) => (
              <option key={mod.id} value={mod.id}>
                {mod.id} {mod.name} ({mod.credits} ECTS)
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field id="agreement-credits" label="Credits granted (ECTS)" required error={m('/credits')}>
        {(p) => <input {...p} inputMode="decimal" value={form.credits} onChange={(e) => set({ credits: e.target.value })} />}
      </Field>
      <FieldSet id="agreement-match" legend="Counts when the credential matches" error={m('/match')}>
        <div className="choices">
          <label className="choice">
            <input type="radio" name="match-by" checked={form.matchBy === 'achievement'} onChange={() => set({ matchBy: 'achievement' })} />
            Issuer and achievement
          </label>
          <label className="choice">
            <input type="radio" name="match-by" checked={form.matchBy === 'alignment'} onChange={() => set({ matchBy: 'alignment' })} />
            Alignments or fields of study
          </label>
        </div>
        {form.matchBy === 'achievement' ? (
          <>
            <Field id="agreement-issuer" label="Issuer id" hint="The issuer's DID or URL." error={m('/match/issuerId')}>
              {(p) => <input {...p} value={form.issuerId} onChange={(e) => set({ issuerId: e.target.value })} />}
            </Field>
            <Field id="agreement-achievement" label="Achievement id" hint="The achievement's URL (its OB 3.0 id)." error={m('/match/achievementId')}>
              {(p) => <input {...p} value={form.achievementId} onChange={(e) => set({ achievementId: e.target.value })} />}
            </Field>
          </>
        ) : (
          <>
            <Field id="agreement-alignments" label="Alignments" hint="Skill or outcome URIs (e.g. ESCO), one a line." error={m('/match/alignments')}>
              {(p) => <textarea {...p} rows={3} value={form.alignments} onChange={(e) => set({ alignments: e.target.value })} />}
            </Field>
            <Field id="agreement-fields" label="Fields of study" hint="One a line." error={m('/match/fieldsOfStudy')}>
              {(p) => <textarea {...p} rows={2} value={form.fieldsOfStudy} onChange={(e) => set({ fieldsOfStudy: e.target.value })} />}
            </Field>
          </>
        )}
      </FieldSet>
      <FieldSet id="agreement-conditions" legend="Conditions" hint="Leave empty what does not apply." error={error?.errors.some((x) => x.pointer === '/conditions') ? m('/conditions') : undefined}>
        <Field id="agreement-min-eqf" label="Minimum EQF level" error={m('/conditions/minEqfLevel')}>
          {(p) => <input {...p} inputMode="numeric" value={form.minEqfLevel} onChange={(e) => set({ minEqfLevel: e.target.value })} />}
        </Field>
        <Field id="agreement-min-credits" label="Minimum ECTS of the credential" error={m('/conditions/minCredits')}>
          {(p) => <input {...p} inputMode="decimal" value={form.minCredits} onChange={(e) => set({ minCredits: e.target.value })} />}
        </Field>
        <Field id="agreement-max-age" label="Maximum age" hint="An ISO 8601 duration such as P5Y, or a number of days." error={m('/conditions/maxAge')}>
          {(p) => <input {...p} value={form.maxAge} onChange={(e) => set({ maxAge: e.target.value })} />}
        </Field>
        <Field id="agreement-assessment" label="Accepted assessment types" hint="Comma-separated, e.g. exam, project." error={m('/conditions/acceptedAssessmentTypes')}>
          {(p) => <input {...p} value={form.assessmentTypes} onChange={(e) => set({ assessmentTypes: e.target.value })} />}
        </Field>
        <Field id="agreement-grade" label="Minimum grade" error={m('/conditions/minGrade')}>
          {(p) => <input {...p} value={form.minGrade} onChange={(e) => set({ minGrade: e.target.value })} />}
        </Field>
        <label className="choice">
          <input type="checkbox" checked={form.qa} onChange={(e) => set({ qa: e.target.checked })} />
          Quality assurance required
        </label>
        <label className="choice">
          <input type="checkbox" checked={form.identityVerified} onChange={(e) => set({ identityVerified: e.target.checked })} />
          Identity-verified assessment required
        </label>
        <label className="choice">
          <input type="checkbox" checked={form.allowPartial} onChange={(e) => set({ allowPartial: e.target.checked })} />
          Allow partial credits for this agreement
        </label>
      </FieldSet>
      <div className="button-row">
        <button type="submit" className="primary">
          Add agreement
        </button>
      </div>
    </form>
  );
}

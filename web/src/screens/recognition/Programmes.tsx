import { useState } from 'react';
import '../../recognition.css';
import type { FormEvent } from 'react';
import { asApiError } from '../../api.ts';
import type { ApiError } from '../../api.ts';
import { ErrorSummary } from '../../components/ErrorSummary.tsx';
import { DataTable } from '../../components/DataTable.tsx';
import { Field, FieldSet } from '../../components/Field.tsx';
import { Notice } from '../../components/Notice.tsx';
import { Screen } from '../../components/Screen.tsx';
import { formatDate, useLoad } from '../../load.ts';
import { useApiQuery, useInvalidateApi } from '../../query.ts';
import { Link, useParams } from 'react-router';
import { useOrganisation, useSession } from '../../session.tsx';
import type { Achievement, Agreement, Programme, ProgrammeBody, ProgrammeModule, Role } from '../../api-types.ts';
import { ects } from '../../format.ts';
import { describeAgreement } from '../../recognition-words.ts';
import { useSubmit } from '../../submit.ts';
import { ASSESSMENT_TYPES } from '../../../../src/domain/eu-elements.ts';
import type { CatalogueItem } from '../../api-types.ts';

/** The same test the server makes (src/domain/recognition/validate.ts): a scheme, a colon, no spaces. */
function isIri(value: string): boolean {
  return /^[A-Za-z][A-Za-z0-9+.-]*:[^\s<>"{}|\\^`]+$/.test(value);
}

/**
 * The achievement an agreement matches: picked from the platform's catalogue (which fills its id and
 * issuer), or typed as the IRI credentials carry. A name is refused beside the field before saving
 * (it could never match); an IRI nothing on this platform carries is allowed (external credentials
 * carry it) but said so.
 */
function AgreementAchievement({ value, onChange, serverError }: { value: string; onChange(achievementId: string, issuerId?: string): void; serverError: string | undefined }) {
  const catalogue = useApiQuery<{ items: CatalogueItem[] }>('/api/v1/catalogue/achievements?limit=1000');
  const items = catalogue.data?.items ?? [];
  const typed = value.trim();
  const known = items.find((c) => c.achievementUrl === typed);
  const local = typed && !isIri(typed) ? `The achievement id must be the address credentials carry (such as https://example.org/achievements/stats), not a name: “${typed.slice(0, 80)}” would never match.` : undefined;
  return (
    <>
      <Field id="a-catalogue" label="Pick from the catalogue" hint="Micro-credentials published on this platform.">
        {(p) => (
          <select {...p} value={known ? known.achievementUrl : ''} onChange={(e) => {
            const item = items.find((c) => c.achievementUrl === e.target.value);
            onChange(e.target.value, item?.issuerId);
          }}>
            <option value="">{known || !typed ? 'Choose one, or type an id below' : 'Not in the catalogue (typed below)'}</option>
            {items.map((c) => (
              <option key={c.achievementUrl} value={c.achievementUrl}>
                {c.name} ({c.issuerName ?? c.organisationName})
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field id="a-achievement" label="Achievement id" hint="The achievement's id as credentials carry it: an address (IRI)." error={local ?? serverError}>
        {(p) => <input {...p} value={value} onChange={(e) => onChange(e.target.value)} autoComplete="off" spellCheck={false} />}
      </Field>
      {typed && !local && !known && catalogue.data ? (
        <p className="hint" data-testid="achievement-unknown">
          Nothing on this platform carries this id yet: the agreement will match credentials from other platforms that do.
        </p>
      ) : null}
      {known ? <p className="hint">{known.name}, issued by {known.issuerName ?? known.organisationName}.</p> : null}
    </>
  );
}

export const REGISTRARS: Role[] = ['owner', 'admin', 'registrar'];

/** The recognition office's sub-navigation. */
export function RecognitionNav() {
  return (
    <nav aria-label="Recognition" className="sub-nav">
      <ul className="link-list">
        <li>
          <Link to="/console/recognition">Requests</Link>
        </li>
        <li>
          <Link to="/console/programmes">Programmes and agreements</Link>
        </li>
      </ul>
    </nav>
  );
}

const number = (text: string): number | undefined => (text.trim() === '' ? undefined : Number(text));
const lines = (text: string): string[] | undefined => {
  const list = text.split(/[\n,]/).map((s) => s.trim()).filter(Boolean);
  return list.length ? list : undefined;
};

/** Programmes that prior learning is recognised toward, and a form to define one. */
export function ProgrammesScreen() {
  const { organisationId, role } = useOrganisation();
  const { api } = useSession();
  const base = `/api/v1/organisations/${organisationId}`;
  const programmes = useApiQuery<{ items: Programme[] }>(`${base}/programmes`);
  const achievements = useApiQuery<{ items: Achievement[] }>(`${base}/achievements`);
  const invalidate = useInvalidateApi();
  const [error, setError] = useState<ApiError>();
  const [done, setDone] = useState<string>();
  const [formKey, setFormKey] = useState(0);
  const canManage = REGISTRARS.includes(role);

  const create = async (body: ProgrammeBody): Promise<void> => {
    setError(undefined);
    setDone(undefined);
    try {
      const created = await api.post<Programme>(`${base}/programmes`, body);
      setDone(`${created.name} is defined. Add its recognition agreements next.`);
      setFormKey((k) => k + 1);
      await invalidate(`${base}/programmes`);
    } catch (e) {
      setError(asApiError(e));
    }
  };

  return (
    <Screen title="Programmes" intro="Programmes that learners may ask you to recognise prior learning toward: their modules, credits and the cap on recognised credits.">
      <RecognitionNav />
      <ErrorSummary error={error ?? achievements.error ?? undefined} />
      {done ? <Notice tone="success">{done}</Notice> : null}
      <DataTable
        caption="Programmes"
        rows={programmes.data?.items}
        error={programmes.error}
        onRetry={() => void programmes.refetch()}
        rowKey={(p) => p.id}
        empty="No programmes yet."
        columns={[
          { header: 'Programme', cell: (p) => <Link to={`/console/programmes/${p.id}`}>{p.name}</Link> },
          { header: 'Credits', cell: (p) => ects(p.totalCredits) },
          { header: 'Modules', cell: (p) => p.modules.length },
          { header: 'Cap on prior learning', cell: (p) => capText(p) },
          { header: 'Updated', cell: (p) => formatDate(p.updatedAt) },
        ]}
      />
      {canManage ? (
        <ProgrammeForm
          key={formKey}
          heading="Define a programme"
          submitLabel="Define programme"
          achievements={achievements.data?.items ?? []}
          error={error}
          onSubmit={create}
        />
      ) : null}
    </Screen>
  );
}

/** The programme form (define or change): name, credits, modules, caps, recognition credential. */
function ProgrammeForm(props: { heading: string; submitLabel: string; achievements: Achievement[]; error: ApiError | undefined; initial?: Programme; onSubmit(body: ProgrammeBody): Promise<void> }) {
  const { error, initial } = props;
  const prefix = initial ? 'pe' : 'p';
  const headingId = `${prefix}-heading`;
  const [draft, setDraft] = useState({
    name: initial?.name ?? '', totalCredits: String(initial?.totalCredits ?? 60),
    maxRecognisedCredits: initial?.maxRecognisedCredits !== undefined ? String(initial.maxRecognisedCredits) : '',
    maxRecognisedShare: initial?.maxRecognisedShare !== undefined ? String(Math.round(initial.maxRecognisedShare * 100)) : '',
    partialCredits: initial?.partialCredits === true, achievementId: initial?.achievementId ?? '',
  });
  const [modules, setModules] = useState<{ id: string; name: string; credits: string }[]>(
    initial?.modules.length ? initial.modules.map((m) => ({ id: m.id, name: m.name, credits: String(m.credits) })) : [{ id: '', name: '', credits: '' }],
  );
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void props.onSubmit({
      name: draft.name.trim(),
      totalCredits: Number(draft.totalCredits),
      modules: modules.filter((m) => m.id.trim() || m.name.trim() || m.credits.trim()).map((m) => ({ id: m.id.trim(), name: m.name.trim(), credits: Number(m.credits) })),
      ...(number(draft.maxRecognisedCredits) !== undefined ? { maxRecognisedCredits: number(draft.maxRecognisedCredits)! } : {}),
      ...(number(draft.maxRecognisedShare) !== undefined ? { maxRecognisedShare: number(draft.maxRecognisedShare)! / 100 } : {}),
      ...(draft.partialCredits ? { partialCredits: true } : {}),
      ...(draft.achievementId ? { achievementId: draft.achievementId } : {}),
    });
  };
  return (
        <form className="form" onSubmit={submit} noValidate aria-labelledby={headingId}>
          <h2 id={headingId}>{props.heading}</h2>
          <Field id={`${prefix}-name`} label="Name" required error={error?.fieldMessage('/name')}>
            {(p) => <input {...p} value={draft.name} onChange={(e) => setDraft({ ...draft, name: e.target.value })} />}
          </Field>
          <Field id={`${prefix}-total`} label="Total credits (ECTS)" required error={error?.fieldMessage('/totalCredits')}>
            {(p) => <input {...p} inputMode="decimal" value={draft.totalCredits} onChange={(e) => setDraft({ ...draft, totalCredits: e.target.value })} />}
          </Field>
          <FieldSet id={`${prefix}-modules`} legend="Modules" hint="The courses or modules credit can be recognised for." error={error?.fieldMessage('/modules')}>
            {modules.map((m, i) => (
              <div className="row-fields" key={i}>
                <Field id={`${prefix}-m-${i}-id`} label={`Module ${i + 1} code`} error={error?.fieldMessage(`/modules/${i}/id`)}>
                  {(p) => <input {...p} value={m.id} onChange={(e) => setModules(modules.map((x, j) => (j === i ? { ...x, id: e.target.value } : x)))} />}
                </Field>
                <Field id={`${prefix}-m-${i}-name`} label={`Module ${i + 1} name`} error={error?.fieldMessage(`/modules/${i}/name`)}>
                  {(p) => <input {...p} value={m.name} onChange={(e) => setModules(modules.map((x, j) => (j === i ? { ...x, name: e.target.value } : x)))} />}
                </Field>
                <Field id={`${prefix}-m-${i}-credits`} label={`Module ${i + 1} ECTS`} error={error?.fieldMessage(`/modules/${i}/credits`)}>
                  {(p) => <input {...p} inputMode="decimal" value={m.credits} onChange={(e) => setModules(modules.map((x, j) => (j === i ? { ...x, credits: e.target.value } : x)))} />}
                </Field>
                {modules.length > 1 ? (
                  <button type="button" className="small" onClick={() => setModules(modules.filter((_, j) => j !== i))}>
                    Remove module {i + 1}
                  </button>
                ) : null}
              </div>
            ))}
            <button type="button" className="small" onClick={() => setModules([...modules, { id: '', name: '', credits: '' }])}>
              Add a module
            </button>
          </FieldSet>
          <Field id={`${prefix}-max`} label="At most this many ECTS from prior learning" hint="Leave empty for no cap in credits." error={error?.fieldMessage('/maxRecognisedCredits')}>
            {(p) => <input {...p} inputMode="decimal" value={draft.maxRecognisedCredits} onChange={(e) => setDraft({ ...draft, maxRecognisedCredits: e.target.value })} />}
          </Field>
          <Field id={`${prefix}-share`} label="At most this share of the programme, in per cent" hint="Leave empty for no cap as a share." error={error?.fieldMessage('/maxRecognisedShare')}>
            {(p) => <input {...p} inputMode="decimal" value={draft.maxRecognisedShare} onChange={(e) => setDraft({ ...draft, maxRecognisedShare: e.target.value })} />}
          </Field>
          <label className="choice">
            <input type="checkbox" checked={draft.partialCredits} onChange={(e) => setDraft({ ...draft, partialCredits: e.target.checked })} />
            When the cap cuts through an item, recognise the part that fits
          </label>
          <Field id={`${prefix}-achievement`} label="Recognition credential" hint="The micro-credential issued to the learner with the credits recognised. Without one, decisions are recorded but no credential is issued." error={error?.fieldMessage('/achievementId')}>
            {(p) => (
              <select {...p} value={draft.achievementId} onChange={(e) => setDraft({ ...draft, achievementId: e.target.value })}>
                <option value="">None</option>
                {props.achievements.map((a) => (
                  <option key={a.id} value={a.id}>
                    {a.name}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <button type="submit" className="primary">
            {props.submitLabel}
          </button>
        </form>
  );
}

function capText(p: Programme): string {
  const parts = [
    p.maxRecognisedCredits !== undefined ? ects(p.maxRecognisedCredits) : '',
    p.maxRecognisedShare !== undefined ? `${Math.round(p.maxRecognisedShare * 100)} % of the programme` : '',
  ].filter(Boolean);
  return parts.length ? parts.join(' and ') : 'None';
}

const EMPTY_AGREEMENT = {
  moduleId: '', credits: '', issuerId: '', achievementId: '', alignments: '', fieldsOfStudy: '',
  minEqfLevel: '', minCredits: '', maxAge: '', qualityAssuranceRequired: false, acceptedAssessmentTypes: '', identityVerifiedRequired: false, minGrade: '', allowPartial: false,
};

/** One programme: its modules and the recognition agreements toward it, with a form to add one. */
export function ProgrammeScreen() {
  const params = useParams();
  const { organisationId, role } = useOrganisation();
  const { api } = useSession();
  const base = `/api/v1/organisations/${organisationId}`;
  const [round, setRound] = useState(0);
  const data = useLoad(async (signal) => {
    const [programme, agreements, achievements] = await Promise.all([
      api.get<Programme>(`${base}/programmes/${params.id}`, { signal }),
      api.get<{ items: Agreement[] }>(`${base}/recognition-agreements?programmeId=${encodeURIComponent(params.id ?? '')}`, { signal }),
      api.get<{ items: Achievement[] }>(`${base}/achievements`, { signal }),
    ]);
    return { programme, agreements: agreements.items, achievements: achievements.items };
  }, `${organisationId}:${params.id}:${round}`);
  const [draft, setDraft] = useState(EMPTY_AGREEMENT);
  const [editing, setEditing] = useState<Agreement>();
  const [error, setError] = useState<ApiError>();
  const [done, setDone] = useState<string>();
  const canManage = REGISTRARS.includes(role);
  const programme = data.data?.programme;
  const edit = (a: Agreement) => {
    const c = a.conditions ?? {};
    setEditing(a);
    setError(undefined);
    setDone(undefined);
    setDraft({
      moduleId: a.moduleId, credits: String(a.credits), issuerId: a.match.issuerId ?? '', achievementId: a.match.achievementId ?? '',
      alignments: (a.match.alignments ?? []).join('\n'), fieldsOfStudy: (a.match.fieldsOfStudy ?? []).join('\n'),
      minEqfLevel: c.minEqfLevel !== undefined ? String(c.minEqfLevel) : '', minCredits: c.minCredits !== undefined ? String(c.minCredits) : '',
      maxAge: c.maxAge !== undefined ? String(c.maxAge) : '', qualityAssuranceRequired: c.qualityAssuranceRequired === true,
      acceptedAssessmentTypes: (c.acceptedAssessmentTypes ?? []).join('\n'), identityVerifiedRequired: c.identityVerifiedRequired === true,
      minGrade: c.minGrade ? String(c.minGrade.value) : '', allowPartial: a.allowPartial === true,
    });
  };
  const [programmeError, setProgrammeError] = useState<ApiError>();
  const saveProgramme = async (body: ProgrammeBody): Promise<void> => {
    setProgrammeError(undefined);
    setDone(undefined);
    try {
      const saved = await api.put<Programme>(`${base}/programmes/${params.id}`, body);
      setDone(`${saved.name} saved (version ${saved.version ?? ''}).`);
      setRound((r) => r + 1);
    } catch (e) {
      setProgrammeError(asApiError(e));
    }
  };
  const stopEditing = () => {
    setEditing(undefined);
    setDraft(EMPTY_AGREEMENT);
  };
  const moduleName = (id: string) => programme?.modules.find((m: ProgrammeModule) => m.id === id)?.name ?? id;

  const adding = useSubmit(async () => {
    setError(undefined);
    setDone(undefined);
    // The field already says why beside it; nothing is sent that could never match.
    if (draft.achievementId.trim() && !isIri(draft.achievementId.trim())) return;
    const conditions = {
      ...(number(draft.minEqfLevel) !== undefined ? { minEqfLevel: number(draft.minEqfLevel) } : {}),
      ...(number(draft.minCredits) !== undefined ? { minCredits: number(draft.minCredits) } : {}),
      ...(draft.maxAge.trim() ? { maxAge: /^\d+$/.test(draft.maxAge.trim()) ? Number(draft.maxAge.trim()) : draft.maxAge.trim() } : {}),
      ...(draft.qualityAssuranceRequired ? { qualityAssuranceRequired: true } : {}),
      ...(lines(draft.acceptedAssessmentTypes) ? { acceptedAssessmentTypes: lines(draft.acceptedAssessmentTypes) } : {}),
      ...(draft.identityVerifiedRequired ? { identityVerifiedRequired: true } : {}),
      ...(draft.minGrade.trim() ? { minGrade: { value: /^\d+(\.\d+)?$/.test(draft.minGrade.trim()) ? Number(draft.minGrade.trim()) : draft.minGrade.trim() } } : {}),
    };
    const body = {
      programmeId: params.id,
      moduleId: draft.moduleId,
      credits: Number(draft.credits),
      match: {
        ...(draft.issuerId.trim() ? { issuerId: draft.issuerId.trim() } : {}),
        ...(draft.achievementId.trim() ? { achievementId: draft.achievementId.trim() } : {}),
        ...(lines(draft.alignments) ? { alignments: lines(draft.alignments) } : {}),
        ...(lines(draft.fieldsOfStudy) ? { fieldsOfStudy: lines(draft.fieldsOfStudy) } : {}),
      },
      ...(Object.keys(conditions).length ? { conditions } : {}),
      ...(draft.allowPartial ? { allowPartial: true } : {}),
    };
    try {
      if (editing) {
        await api.put<Agreement>(`${base}/recognition-agreements/${editing.id}`, body);
        setDone(`Agreement for ${moduleName(draft.moduleId)} saved.`);
      } else {
        await api.post<Agreement>(`${base}/recognition-agreements`, body);
        setDone(`Agreement added for ${moduleName(draft.moduleId)}.`);
      }
      setEditing(undefined);
      setDraft(EMPTY_AGREEMENT);
      setRound((r) => r + 1);
    } catch (e) {
      setError(asApiError(e));
    }
  });
  const add = (event: FormEvent) => {
    event.preventDefault();
    void adding.run();
  };
  const remove = async (a: Agreement) => {
    setError(undefined);
    setDone(undefined);
    try {
      await api.delete(`${base}/recognition-agreements/${a.id}`);
      setDone(`The agreement for ${moduleName(a.moduleId)} is deleted.`);
      setRound((r) => r + 1);
    } catch (e) {
      setError(asApiError(e));
    }
  };
  const text = (key: keyof typeof EMPTY_AGREEMENT) => ({
    value: draft[key] as string,
    onChange: (e: { target: { value: string } }) => setDraft({ ...draft, [key]: e.target.value }),
  });
  const flag = (key: keyof typeof EMPTY_AGREEMENT) => ({
    checked: draft[key] as boolean,
    onChange: (e: { target: { checked: boolean } }) => setDraft({ ...draft, [key]: e.target.checked }),
  });

  return (
    <Screen title={programme ? programme.name : 'Programme'} intro="Which external achievements count for which module, for how many credits, under which conditions.">
      <RecognitionNav />
      <ErrorSummary error={error ?? programmeError ?? data.error} />
      {done ? <Notice tone="success">{done}</Notice> : null}
      {programme ? (
        <section aria-labelledby="modules">
          <h2 id="modules">Modules</h2>
          <p>
            {ects(programme.totalCredits)} in all; cap on prior learning: {capText(programme)}.
          </p>
          <ul>
            {programme.modules.map((m) => (
              <li key={m.id}>
                <strong>{m.id}</strong> {m.name} — {ects(m.credits)}
              </li>
            ))}
          </ul>
          {canManage ? (
            <details className="panel">
              <summary>Change this programme</summary>
              <ProgrammeForm
                key={`${programme.id}:${programme.updatedAt}`}
                heading="Change the programme"
                submitLabel="Save programme"
                achievements={data.data?.achievements ?? []}
                error={programmeError}
                initial={programme}
                onSubmit={saveProgramme}
              />
            </details>
          ) : null}
        </section>
      ) : null}
      {data.data ? (
        <section aria-labelledby="agreements">
          <h2 id="agreements">Recognition agreements</h2>
          {data.data.agreements.length === 0 ? <Notice>No agreements yet: every request toward this programme will be proposed for rejection.</Notice> : null}
          {data.data.agreements.length ? (
            <div className="table-wrap">
              <table>
                <caption className="visually-hidden">Recognition agreements</caption>
                <thead>
                  <tr>
                    <th scope="col">Module</th>
                    <th scope="col">Credits</th>
                    <th scope="col">What counts</th>
                    {canManage ? <th scope="col">Action</th> : null}
                  </tr>
                </thead>
                <tbody>
                  {data.data.agreements.map((a) => (
                    <tr key={a.id}>
                      <td>{moduleName(a.moduleId)}</td>
                      <td>{ects(a.credits)}</td>
                      <td className="wrap">{describeAgreement(a)}</td>
                      {canManage ? (
                        <td className="actions">
                          <button type="button" className="small" onClick={() => edit(a)}>
                            Edit<span className="visually-hidden"> the agreement for {moduleName(a.moduleId)}</span>
                          </button>{' '}
                          <button type="button" className="small danger" onClick={() => void remove(a)}>
                            Delete<span className="visually-hidden"> the agreement for {moduleName(a.moduleId)}</span>
                          </button>
                        </td>
                      ) : null}
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          ) : null}
        </section>
      ) : null}
      {canManage && programme ? (
        <form className="form" onSubmit={add} noValidate aria-labelledby="new-agreement">
          <h2 id="new-agreement">{editing ? `Edit the agreement for ${moduleName(editing.moduleId)}` : 'Add an agreement'}</h2>
          <Field id="a-module" label="Module" required error={error?.fieldMessage('/moduleId')}>
            {(p) => (
              <select {...p} {...text('moduleId')}>
                <option value="">Choose a module</option>
                {programme.modules.map((m) => (
                  <option key={m.id} value={m.id}>
                    {m.id} {m.name}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field id="a-credits" label="Credits recognised (ECTS)" required error={error?.fieldMessage('/credits')}>
            {(p) => <input {...p} inputMode="decimal" {...text('credits')} />}
          </Field>
          <FieldSet id="a-match" legend="What counts" hint="A credential counts when it matches what you give here (at least one)." error={error?.fieldMessage('/match')}>
            <AgreementAchievement
              value={draft.achievementId}
              onChange={(achievementId, issuerId) => setDraft({ ...draft, achievementId, ...(issuerId !== undefined ? { issuerId } : {}) })}
              serverError={error?.fieldMessage('/match/achievementId')}
            />
            <Field id="a-issuer" label="Issuer" hint="Its DID or URL." error={error?.fieldMessage('/match/issuerId')}>
              {(p) => <input {...p} {...text('issuerId')} />}
            </Field>
            <Field id="a-alignments" label="Skills or outcomes" hint="Alignment URLs (e.g. ESCO skills), one per line." error={error?.fieldMessage('/match/alignments')}>
              {(p) => <textarea {...p} rows={2} {...text('alignments')} />}
            </Field>
            <Field id="a-fields" label="Fields of study" hint="One per line." error={error?.fieldMessage('/match/fieldsOfStudy')}>
              {(p) => <textarea {...p} rows={2} {...text('fieldsOfStudy')} />}
            </Field>
          </FieldSet>
          <FieldSet id="a-conditions" legend="Conditions" error={error?.fieldMessage('/conditions')}>
            <Field id="a-eqf" label="Minimum EQF level" error={error?.fieldMessage('/conditions/minEqfLevel')}>
              {(p) => <input {...p} inputMode="numeric" {...text('minEqfLevel')} />}
            </Field>
            <Field id="a-min-credits" label="Minimum ECTS of the credential" error={error?.fieldMessage('/conditions/minCredits')}>
              {(p) => <input {...p} inputMode="decimal" {...text('minCredits')} />}
            </Field>
            <Field id="a-age" label="Maximum age" hint="Days, or an ISO 8601 duration such as P5Y." error={error?.fieldMessage('/conditions/maxAge')}>
              {(p) => <input {...p} {...text('maxAge')} />}
            </Field>
            <FieldSet id="a-assessment" legend="Accepted assessment types" hint="None ticked: any type of assessment." error={error?.fieldMessage('/conditions/acceptedAssessmentTypes')}>
              <div className="choices">
                {ASSESSMENT_TYPES.map((t) => {
                  const chosen = lines(draft.acceptedAssessmentTypes) ?? [];
                  return (
                    <label key={t.code} className="choice">
                      <input
                        type="checkbox"
                        checked={chosen.includes(t.code)}
                        onChange={(e) => setDraft({ ...draft, acceptedAssessmentTypes: (e.target.checked ? [...chosen, t.code] : chosen.filter((c) => c !== t.code)).join('\n') })}
                      />
                      {t.label}
                    </label>
                  );
                })}
              </div>
            </FieldSet>
            <Field id="a-grade" label="Minimum grade" error={error?.fieldMessage('/conditions/minGrade')}>
              {(p) => <input {...p} {...text('minGrade')} />}
            </Field>
            <label className="choice">
              <input type="checkbox" {...flag('qualityAssuranceRequired')} />
              Quality assurance required
            </label>
            <label className="choice">
              <input type="checkbox" {...flag('identityVerifiedRequired')} />
              Identity-verified assessment required
            </label>
            <label className="choice">
              <input type="checkbox" {...flag('allowPartial')} />
              Recognise in part when the credential has fewer credits
            </label>
          </FieldSet>
          <button type="submit" className="primary">
            {editing ? 'Save agreement' : 'Add agreement'}
          </button>
          {editing ? (
            <button type="button" onClick={stopEditing}>
              Cancel editing
            </button>
          ) : null}
        </form>
      ) : null}
    </Screen>
  );
}

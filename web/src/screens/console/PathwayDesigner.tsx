import { useEffect, useState } from 'react';
import type { FormEvent } from 'react';
import { asApiError } from '../../api.ts';
import type { ApiError } from '../../api.ts';
import { ErrorSummary, pointerInWords } from '../../components/ErrorSummary.tsx';
import { Field, FieldSet } from '../../components/Field.tsx';
import { Notice } from '../../components/Notice.tsx';
import { CataloguePicker, describeCatalogueItem, TextList } from '../../components/PathwayFields.tsx';
import { EvaluationView, ProgressBar } from '../../components/PathwayProgress.tsx';
import type { Names } from '../../components/PathwayProgress.tsx';
import { RequirementEditor } from '../../components/RequirementEditor.tsx';
import type { ProblemLookup } from '../../components/RequirementEditor.tsx';
import { Screen } from '../../components/Screen.tsx';
import { formatDate, useLoad } from '../../load.ts';
import { Link, useLocation, useNavigate, useParams } from 'react-router';
import { emptyPathwayForm, formFromPathway, inputOf, localProblems, move, newRequirement, rulesOf, KIND_LABELS } from '../../pathway-form.ts';
import type { PathwayForm, RequirementForm, RequirementKind } from '../../pathway-form.ts';
import { useApiQuery } from '../../query.ts';
import { useOrganisation, useSession } from '../../session.tsx';
import type { Achievement, CatalogueItem, Issuer, PathwayView, PathwayAward, PathwayCheckView as PathwayCheck, PathwayProblem as Problem, Role, TrustedIssuer } from '../../api-types.ts';
import { credits } from '../../format.ts';
import { guarded } from '../../submit.ts';

const DESIGNERS: Role[] = ['owner', 'admin', 'issuer'];
const KINDS = Object.keys(KIND_LABELS) as RequirementKind[];
const ISSUER_LIST = 'known-issuers';

interface Loaded {
  achievements: Achievement[];
  issuers: Issuer[];
  catalogue: CatalogueItem[];
  trusted: TrustedIssuer[];
}

/** The pathway designer: the rules edited in a form beside a live check against a sample learner. */
export function PathwayDesignerScreen() {
  const params = useParams();
  const id = params.id;
  const { organisationId } = useOrganisation();
  const { api } = useSession();
  const navigate = useNavigate();
  const location = useLocation();
  const base = `/api/v1/organisations/${organisationId}`;
  const context = useLoad(async (signal): Promise<Loaded> => {
    const [achievements, issuers, catalogue, trusted] = await Promise.all([
      api.get<{ items: Achievement[] }>(`${base}/achievements?includeArchived=true`, { signal }),
      api.get<{ items: Issuer[] }>(`${base}/issuers`, { signal }),
      api.get<{ items: CatalogueItem[] }>('/api/v1/catalogue/achievements?limit=1000', { signal }),
      api.get<{ items: TrustedIssuer[] }>(`${base}/trusted-issuers`, { signal }),
    ]);
    return { achievements: achievements.items, issuers: issuers.items, catalogue: catalogue.items, trusted: trusted.items };
  }, organisationId);
  const existing = useLoad((signal) => (id ? api.get<PathwayView>(`${base}/pathways/${id}`, { signal }) : Promise.resolve(undefined)), id ?? 'new');
  const savedVersion = new URLSearchParams(location.search).get('saved') ?? undefined;
  const title = id ? `Pathway: ${existing.data?.name ?? '…'}` : 'New pathway';
  const error = existing.error ?? context.error;
  if (error || !context.data || (id && !existing.data)) {
    return (
      <Screen title={title}>
        <ErrorSummary error={error} />
        {error ? null : <Notice>Loading…</Notice>}
      </Screen>
    );
  }
  const onSaved = (saved: PathwayView) => {
    if (id) existing.reload();
    navigate(`/console/pathways/${saved.id}?saved=${saved.version}`, { replace: true });
  };
  const initial = existing.data ? formFromPathway(existing.data) : emptyPathwayForm();
  return (
    <Screen
      title={title}
      intro={
        existing.data
          ? `Version ${existing.data.version}, ${existing.data.status}. Saving creates a new version; learners' progress is recomputed against it.`
          : 'A stacked credential: the rules a learner’s credentials must meet, and the micro-credential awarded when they do.'
      }
    >
      <Designer initial={initial} pathway={existing.data} loaded={context.data} savedVersion={savedVersion} onSaved={onSaved} />
    </Screen>
  );
}

function problemLookup(check: Problem[], saveError: ApiError | undefined, local: Record<string, string>): ProblemLookup {
  const all: Problem[] = [...check, ...(saveError?.errors.map((e) => ({ path: e.pointer.replace(/^\/body(?=\/)/, ''), message: e.message })) ?? [])];
  for (const [path, message] of Object.entries(local)) all.push({ path, message });
  const unique = (list: Problem[]) => [...new Set(list.map((p) => p.message))].join(' ') || undefined;
  return {
    under: (pointer) => unique(all.filter((p) => p.path === pointer || p.path.startsWith(pointer + '/'))),
    at: (pointer) => unique(all.filter((p) => p.path === pointer)),
  };
}

function Designer(props: { initial: PathwayForm; pathway: PathwayView | undefined; loaded: Loaded; savedVersion: string | undefined; onSaved(p: PathwayView): void }) {
  const { pathway, loaded, savedVersion, onSaved } = props;
  const { api, membership } = useSession();
  const { organisationId } = useOrganisation();
  const canDesign = membership !== undefined && DESIGNERS.includes(membership.role);
  const [form, setForm] = useState(props.initial);
  const [saveError, setSaveError] = useState<ApiError>();
  const [dirty, setDirty] = useState(false);
  const [submitted, setSubmitted] = useState(false);
  const [saving, setSaving] = useState(false);
  const [addKind, setAddKind] = useState<RequirementKind>('allOf');
  const [check, setCheck] = useState<PathwayCheck>();
  const update = (patch: Partial<PathwayForm>) => {
    setForm((f) => ({ ...f, ...patch }));
    setDirty(true);
  };
  const setRequirement = (index: number, patch: Partial<RequirementForm>) =>
    update({ requirements: form.requirements.map((r, i) => (i === index ? { ...r, ...patch } : r)) });

  const local = localProblems(form);
  const problems = problemLookup(check?.problems ?? [], saveError, submitted ? local : {});
  const knownIssuers = new Map<string, string>();
  for (const t of loaded.trusted) knownIssuers.set(t.issuerId, t.name);
  for (const c of loaded.catalogue) if (!knownIssuers.has(c.issuerId)) knownIssuers.set(c.issuerId, c.issuerName ?? c.organisationName);
  const target = loaded.achievements.find((a) => a.id === form.achievementId);
  const targetIssuer = target ? loaded.issuers.find((i) => i.id === target.issuerId) : undefined;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setSubmitted(true);
    if (Object.keys(local).length) return;
    setSaveError(undefined);
    setSaving(true);
    try {
      const body = inputOf(form);
      const saved = pathway
        ? await api.put<PathwayView>(`/api/v1/organisations/${organisationId}/pathways/${pathway.id}`, body)
        : await api.post<PathwayView>(`/api/v1/organisations/${organisationId}/pathways`, body);
      setDirty(false);
      setSubmitted(false);
      onSaved(saved);
    } catch (e) {
      setSaveError(asApiError(e));
    } finally {
      setSaving(false);
    }
  };

  const rules = rulesOf(form);
  const localList = Object.entries(local);
  return (
    <div className="editor-layout designer-layout">
      <datalist id={ISSUER_LIST}>
        {[...knownIssuers].map(([did, name]) => (
          <option key={did} value={did}>
            {name}
          </option>
        ))}
      </datalist>
      <form onSubmit={guarded(submit)} noValidate className="form" aria-label="Pathway definition">
        <ErrorSummary error={saveError} title="The pathway was not saved" />
        {submitted && localList.length ? (
          <div className="error-summary" role="alert">
            <h2>Please correct these fields</h2>
            <ul>
              {localList.map(([pointer, message]) => (
                <li key={pointer}>{message}</li>
              ))}
            </ul>
          </div>
        ) : null}
        {savedVersion && !dirty ? <Notice tone="success">Saved as version {savedVersion}.</Notice> : null}
        {!canDesign ? <Notice tone="warning">You can read this pathway; owners, admins and issuers change it.</Notice> : null}

        <fieldset className="group">
          <legend>Pathway</legend>
          <Field id="p-name" label="Name" required error={problems.under('/name')}>
            {(p) => <input {...p} value={form.name} onChange={(e) => update({ name: e.target.value })} />}
          </Field>
          <Field id="p-description" label="Description" hint="What the stacked credential stands for, for learners." error={problems.under('/description')}>
            {(p) => <textarea {...p} rows={2} value={form.description} onChange={(e) => update({ description: e.target.value })} />}
          </Field>
          <Field
            id="p-target"
            label="Micro-credential awarded on completion"
            hint={loaded.achievements.length ? undefined : 'Define the stacked micro-credential first (Micro-credentials).'}
            required
            error={problems.under('/achievementId')}
          >
            {(p) => (
              <select {...p} value={form.achievementId} onChange={(e) => update({ achievementId: e.target.value })}>
                <option value="">Choose a micro-credential</option>
                {loaded.achievements.filter((a) => !a.archivedAt || a.id === form.achievementId).map((a) => (
                  <option key={a.id} value={a.id}>
                    {a.name}
                    {a.eu?.creditsAvailable !== undefined ? ` (${credits(a.eu.creditsAvailable)} ECTS)` : ''}
                    {a.archivedAt ? ' — archived' : ''}
                  </option>
                ))}
              </select>
            )}
          </Field>
          {target ? (
            <p className="muted" data-testid="target-issuer">
              Issued by {targetIssuer?.name ?? 'the organisation’s issuer'}, the issuer of “{target.name}”.
            </p>
          ) : null}
          <div className="grid">
            <Field id="p-status" label="Status" hint="Learners see published pathways only." error={problems.under('/status')}>
              {(p) => (
                <select {...p} value={form.status} onChange={(e) => update({ status: e.target.value as PathwayForm['status'] })}>
                  <option value="draft">Draft</option>
                  <option value="published">Published</option>
                  <option value="archived">Archived</option>
                </select>
              )}
            </Field>
          </div>
          <label className="choice">
            <input type="checkbox" checked={form.autoIssue} onChange={(e) => update({ autoIssue: e.target.checked })} />
            Issue the micro-credential automatically when a learner completes the pathway
          </label>
          <FieldSet legend="When a credential it was built from is revoked" id="p-policy" error={problems.under('/revocationPolicy')}>
            <div className="choices">
              <label className="choice">
                <input type="radio" name="policy" value="review" checked={form.revocationPolicy === 'review'} onChange={() => update({ revocationPolicy: 'review' })} />
                Flag it for review
              </label>
              <label className="choice">
                <input type="radio" name="policy" value="suspend" checked={form.revocationPolicy === 'suspend'} onChange={() => update({ revocationPolicy: 'suspend' })} />
                Suspend it at once (and flag it)
              </label>
            </div>
          </FieldSet>
        </fieldset>

        <fieldset className="group">
          <legend>Issuers and age, for every requirement</legend>
          <label className="choice">
            <input type="checkbox" checked={form.useTrustList} onChange={(e) => update({ useTrustList: e.target.checked })} />
            Count only credentials from our own issuers and the organisation’s trusted issuers ({loaded.trusted.length})
          </label>
          <p className="hint">
            <Link to="/console/pathways/trusted-issuers">Manage trusted issuers</Link>
          </p>
          <TextList
            id="p-trusted"
            legend="Also trust these issuers"
            hint="Their DID or URL. Name other organisations’ achievements? Then list who may issue them: anyone can write any achievement id."
            itemLabel="Trusted issuer"
            addLabel="Add a trusted issuer"
            datalist={ISSUER_LIST}
            values={form.trustedIssuers}
            onChange={(trustedIssuers) => update({ trustedIssuers })}
            error={problems.under('/rules/trustedIssuers')}
          />
          <Field id="p-max-age" label="No credential older than" hint="Days, or a duration such as P5Y or P18M; empty for any age." error={problems.under('/rules/maxAge')}>
            {(p) => <input {...p} value={form.maxAge} onChange={(e) => update({ maxAge: e.target.value })} />}
          </Field>
        </fieldset>

        <section aria-labelledby="requirements-title">
          <h2 id="requirements-title">Requirements</h2>
          <p className="hint">
            All of them must be met. By default a credential counts toward one requirement only.{' '}
            {canDesign ? (
              <a href="#live-check-title" className="narrow-only">
                See the live check
              </a>
            ) : null}
          </p>
          {problems.at('/rules/requirements') || problems.at('/rules') ? <p className="field-error">{problems.at('/rules/requirements') ?? problems.at('/rules')}</p> : null}
          <ol className="rows requirement-list">
            {form.requirements.map((r, i) => (
              <RequirementEditor
                key={r.key}
                req={r}
                index={i}
                count={form.requirements.length}
                base={`/rules/requirements/${i}`}
                catalogue={loaded.catalogue}
                problems={problems}
                issuerList={ISSUER_LIST}
                update={(patch) => setRequirement(i, patch)}
                remove={() => update({ requirements: form.requirements.filter((_, j) => j !== i) })}
                move={(by) => update({ requirements: move(form.requirements, i, by) })}
              />
            ))}
          </ol>
          <div className="inline-add">
            <div className="field">
              <label htmlFor="add-kind">Kind of requirement</label>
              <select id="add-kind" value={addKind} onChange={(e) => setAddKind(e.target.value as RequirementKind)}>
                {KINDS.map((k) => (
                  <option key={k} value={k}>
                    {KIND_LABELS[k]}
                  </option>
                ))}
              </select>
            </div>
            <button type="button" onClick={() => update({ requirements: [...form.requirements, newRequirement(addKind, form.requirements)] })}>
              Add requirement
            </button>
          </div>
        </section>

        <details className="optional">
          <summary>Rules as JSON</summary>
          <pre className="json" data-testid="rules-json">
            {JSON.stringify(rules, null, 2)}
          </pre>
        </details>
        {pathway?.versions?.length ? (
          <details className="versions">
            <summary>Versions ({pathway.versions.length})</summary>
            <ul>
              {pathway.versions.map((v) => (
                <li key={v.version}>
                  Version {v.version}, {formatDate(v.updatedAt)}
                </li>
              ))}
            </ul>
          </details>
        ) : null}
        {pathway ? <Awards pathwayId={pathway.id} version={pathway.version} /> : null}
        {canDesign ? (
          <div className="button-row">
            <button type="submit" className="primary" disabled={saving}>
              {pathway ? 'Save new version' : 'Create pathway'}
            </button>
            <Link to="/console/pathways" className="button">
              Back to pathways
            </Link>
          </div>
        ) : null}
      </form>
      {canDesign ? <LiveCheck form={form} catalogue={loaded.catalogue} onResult={setCheck} result={check} /> : null}
    </div>
  );
}

type SampleMode = 'catalogue' | 'email';

/**
 * The live check: the rules as they stand, evaluated by the server for a sample learner, again
 * about 400 ms after the form or the sample stops changing. A newer check aborts an older one.
 */
function LiveCheck(props: { form: PathwayForm; catalogue: CatalogueItem[]; result: PathwayCheck | undefined; onResult(check: PathwayCheck | undefined): void }) {
  const { form, catalogue, result, onResult } = props;
  const { api } = useSession();
  const { organisationId } = useOrganisation();
  const [mode, setMode] = useState<SampleMode>('catalogue');
  const [held, setHeld] = useState<string[]>([]);
  const [email, setEmail] = useState('');
  const [error, setError] = useState<ApiError>();
  const [pending, setPending] = useState(false);
  const sample = mode === 'catalogue' ? { achievementIds: held } : email.includes('@') ? { email: email.trim() } : undefined;
  const body = JSON.stringify({ rules: rulesOf(form), name: form.name.trim() || undefined, useTrustList: form.useTrustList, ...(sample ? { sample } : {}) });

  useEffect(() => {
    const controller = new AbortController();
    setPending(true);
    const timer = window.setTimeout(() => {
      api.post<PathwayCheck>(`/api/v1/organisations/${organisationId}/pathway-checks`, JSON.parse(body), { signal: controller.signal }).then(
        (r) => {
          onResult(r);
          setError(undefined);
          setPending(false);
        },
        (e: unknown) => {
          if (controller.signal.aborted) return;
          setError(asApiError(e));
          onResult(undefined);
          setPending(false);
        },
      );
    }, 400);
    return () => {
      window.clearTimeout(timer);
      controller.abort();
    };
    // `body` is the whole request: a new check whenever it changes.
  }, [body]);

  const byUrl = new Map(catalogue.map((c) => [c.achievementUrl, c]));
  const skillNames = new Map<string, string>();
  for (const c of catalogue) for (const a of c.alignments) if (a.targetUrl && a.name) skillNames.set(a.targetUrl, a.name);
  const names: Names = {
    credential: (key) => {
      const s = result?.sample.find((c) => c.key === key);
      return s ? `${s.achievementName}${s.issuerName ? ` — ${s.issuerName}` : ''}` : key;
    },
    achievement: (url) => {
      const item = byUrl.get(url);
      return item ? describeCatalogueItem(item) : url;
    },
    outcome: (url) => skillNames.get(url) ?? url,
  };
  const evaluation = result?.evaluation;
  return (
    <aside className="preview live-check" aria-labelledby="live-check-title" data-testid="live-check">
      <h2 id="live-check-title">Live check</h2>
      <p className="hint">The rules as they stand, evaluated today for a sample learner. Nothing is saved.</p>
      <FieldSet legend="The sample learner holds" id="sample-mode">
        <div className="choices">
          <label className="choice">
            <input type="radio" name="sample-mode" checked={mode === 'catalogue'} onChange={() => setMode('catalogue')} />
            Achievements I pick
          </label>
          <label className="choice">
            <input type="radio" name="sample-mode" checked={mode === 'email'} onChange={() => setMode('email')} />
            What we issued to a learner
          </label>
        </div>
      </FieldSet>
      {mode === 'catalogue' ? (
        <CataloguePicker id="sample" legend="Sample credentials" hint="Each counts as a fresh, valid credential issued today." values={held} onChange={setHeld} catalogue={catalogue} />
      ) : (
        <Field id="sample-email" label="Learner’s e-mail address" hint="Credentials this organisation issued to it (with their status).">
          {(p) => <input {...p} type="email" value={email} onChange={(e) => setEmail(e.target.value)} autoComplete="off" />}
        </Field>
      )}
      <div role="status" className="check-status" data-testid="check-status">
        {pending ? (
          <p className="muted">Checking…</p>
        ) : error ? null : result && result.problems.length ? (
          <p className="check-verdict check-verdict-bad">The rules have {result.problems.length === 1 ? 'a problem' : `${result.problems.length} problems`}.</p>
        ) : evaluation ? (
          <p className={evaluation.complete ? 'check-verdict check-verdict-ok' : 'check-verdict'}>
            {evaluation.complete ? 'Complete: this learner would receive the stacked credential.' : 'Not complete yet.'}
          </p>
        ) : null}
      </div>
      {/* Not an ErrorSummary: that takes focus, and this runs while the designer types. */}
      {error ? (
        <div className="notice notice-warning" data-testid="check-error">
          <p>The check did not run: {error.detail}</p>
          {error.errors.length ? (
            <ul>
              {error.errors.map((e, i) => (
                <li key={i}>{e.message}</li>
              ))}
            </ul>
          ) : null}
        </div>
      ) : null}
      {result && result.problems.length ? (
        <ul className="preview-problems" data-testid="check-problems">
          {result.problems.map((p, i) => (
            <li key={i}>
              {pointerInWords(p.path.replace(/^\/rules/, '')) ? `${pointerInWords(p.path.replace(/^\/rules/, ''))}: ` : ''}
              {p.message}
            </li>
          ))}
        </ul>
      ) : null}
      {result && mode === 'email' && sample ? (
        <p className="muted">{result.sample.length === 1 ? '1 credential found' : `${result.sample.length} credentials found`} for this address.</p>
      ) : null}
      {evaluation ? (
        <>
          <ProgressBar value={evaluation.progress} label="Sample learner’s progress" testId="check-progress" />
          <p className="muted">{credits(evaluation.creditsCounted)} ECTS counted.</p>
          <EvaluationView evaluation={evaluation} names={names} level={3} idPrefix="check" />
        </>
      ) : null}
    </aside>
  );
}

/** The stacked credentials issued for this pathway so far, with the version each was issued under. */
function Awards({ pathwayId, version }: { pathwayId: string; version: number }) {
  const { organisationId } = useOrganisation();
  const awards = useApiQuery<{ items: PathwayAward[] }>(`/api/v1/organisations/${organisationId}/pathways/${pathwayId}/awards`, { refreshOn: version });
  if (!awards.data) return null;
  return (
    <details className="versions" data-testid="awards">
      <summary>Stacked credentials awarded ({awards.data.items.length})</summary>
      {awards.data.items.length ? (
        <div className="table-wrap">
          <table>
            <caption className="visually-hidden">Stacked credentials awarded</caption>
            <thead>
              <tr>
                <th scope="col">Issued</th>
                <th scope="col">Pathway version</th>
                <th scope="col">Credential</th>
                <th scope="col">Flagged</th>
              </tr>
            </thead>
            <tbody>
              {awards.data.items.map((a) => (
                <tr key={a.credentialId}>
                  <td>{formatDate(a.issuedAt)}</td>
                  <td>{a.pathwayVersion}</td>
                  <td className="wrap">
                    <code>{a.credentialId}</code>
                  </td>
                  <td>{a.flagged ? <Link to="/console/pathways/flags">Yes: review</Link> : 'No'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : (
        <p className="muted">None yet.</p>
      )}
    </details>
  );
}

import { useState } from 'react';
import type { FormEvent } from 'react';
import { asApiError } from '../api.ts';
import type { ApiError } from '../api.ts';
import { ErrorSummary } from '../components/ErrorSummary.tsx';
import { Field, FieldSet } from '../components/Field.tsx';
import { Notice } from '../components/Notice.tsx';
import { Screen } from '../components/Screen.tsx';
import { formatDate, useLoad } from '../load.ts';
import { Link, useRouter } from '../router.tsx';
import { useSession } from '../session.tsx';
import { agreementInWords, DECISION_WORDS } from '../recognition-types.ts';
import type { Agreement, Programme, RecognitionRequest } from '../recognition-types.ts';
import type { WalletPage } from '../wallet-types.ts';
import { CapAndGap, Reasons } from './RecognitionQueue.tsx';

const STATUS_WORDS: Record<RecognitionRequest['status'], string> = { pending: 'Waiting for a decision', decided: 'Decided', withdrawn: 'Withdrawn' };

/** The learner asks a programme to recognise wallet credentials, and follows her requests. */
export function WalletRecognitionScreen() {
  const { api } = useSession();
  const requests = useLoad((signal) => api.get<{ items: RecognitionRequest[] }>('/api/v1/wallet/recognition-requests', { signal }), 'mine');
  return (
    <Screen title="Recognition" intro="Ask a university or school to recognise your credentials as credits toward one of its programmes.">
      <ErrorSummary error={requests.error} />
      <h2>My requests</h2>
      {requests.data?.items.length === 0 ? <Notice>No requests yet.</Notice> : null}
      {requests.data?.items.length ? (
        <ul className="link-list" data-testid="my-requests">
          {requests.data.items.map((r) => (
            <li key={r.id}>
              <Link to={`/wallet/recognition/${r.id}`}>
                {r.programmeName ?? r.proposal.programme?.name ?? 'Programme'}
                {r.organisationName ? ` (${r.organisationName})` : ''}
              </Link>{' '}
              — {STATUS_WORDS[r.status]}, {r.decision?.final ? `${r.decision.totalRecognised} ECTS recognised` : `${r.proposal.totalRecognised} ECTS proposed`}, sent {formatDate(r.createdAt)}
            </li>
          ))}
        </ul>
      ) : null}
      <NewRequest />
    </Screen>
  );
}

function NewRequest() {
  const { api } = useSession();
  const { navigate } = useRouter();
  const programmes = useLoad((signal) => api.get<{ items: Programme[] }>('/api/v1/programmes', { signal }), 'programmes');
  const credentials = useLoad((signal) => api.get<WalletPage>('/api/v1/wallet/credentials?limit=100', { signal }), 'credentials');
  const [programmeId, setProgrammeId] = useState('');
  const agreements = useLoad(
    (signal) => (programmeId ? api.get<{ items: Agreement[] }>(`/api/v1/programmes/${programmeId}/agreements`, { signal }) : Promise.resolve({ items: [] })),
    programmeId,
  );
  const [chosen, setChosen] = useState<string[]>([]);
  const [error, setError] = useState<ApiError>();
  const programme = programmes.data?.items.find((p) => p.id === programmeId);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(undefined);
    try {
      const created = await api.post<RecognitionRequest>('/api/v1/wallet/recognition-requests', { programmeId, credentialIds: chosen });
      navigate(`/wallet/recognition/${created.id}`);
    } catch (e) {
      setError(asApiError(e));
    }
  };
  return (
    <form onSubmit={(e) => void submit(e)} noValidate className="form" aria-labelledby="new-request-title">
      <h2 id="new-request-title">Ask for recognition</h2>
      <ErrorSummary error={error ?? programmes.error ?? credentials.error} />
      <Field id="request-programme" label="Programme" required error={error?.fieldMessage('/programmeId')}>
        {(p) => (
          <select {...p} value={programmeId} onChange={(e) => setProgrammeId(e.target.value)}>
            <option value="">Choose a programme</option>
            {programmes.data?.items.map((p) => (
              <option key={p.id} value={p.id}>
                {p.name} — {p.organisationName} ({p.totalCredits} ECTS)
              </option>
            ))}
          </select>
        )}
      </Field>
      {programme ? (
        <section aria-labelledby="counts-title">
          <h3 id="counts-title">What counts toward {programme.name}</h3>
          {agreements.data?.items.length === 0 ? <p>This programme lists no agreements yet; the registrar decides case by case.</p> : null}
          <ul data-testid="what-counts">
            {agreements.data?.items.map((a) => (
              <li key={a.id}>
                {programme.modules.find((m) => m.id === a.moduleId)?.name ?? a.moduleId}: {a.credits} ECTS when {agreementInWords(a).join('; ') || 'any credential'}
              </li>
            ))}
          </ul>
          {programme.maxRecognisedCredits !== undefined || programme.maxRecognisedShare !== undefined ? (
            <p>
              At most {programme.maxRecognisedCredits ?? Math.round((programme.maxRecognisedShare ?? 0) * programme.totalCredits)} ECTS can come from prior learning.
            </p>
          ) : null}
        </section>
      ) : null}
      <FieldSet id="request-credentials" legend="Credentials to recognise" error={error?.fieldMessage('/credentialIds')}>
        {credentials.data?.items.length === 0 ? <p>Your wallet holds no credentials yet.</p> : null}
        <div className="choices">
          {credentials.data?.items.map((c) => (
            <label key={c.id} className="choice">
              <input type="checkbox" checked={chosen.includes(c.id)} onChange={(e) => setChosen(e.target.checked ? [...chosen, c.id] : chosen.filter((x) => x !== c.id))} />
              {c.name}
              {c.issuerName ? ` — ${c.issuerName}` : ''}
            </label>
          ))}
        </div>
      </FieldSet>
      <div className="button-row">
        <button type="submit" className="primary">
          Send request
        </button>
      </div>
    </form>
  );
}

/** One request: the engine's proposal with its reasons, then the registrar's decisions, the credits and the gap. */
export function WalletRecognitionRequestScreen({ params }: { params: Record<string, string> }) {
  const { api } = useSession();
  const id = params.requestId ?? '';
  const loaded = useLoad((signal) => api.get<RecognitionRequest>(`/api/v1/wallet/recognition-requests/${id}`, { signal }), id);
  const [current, setCurrent] = useState<RecognitionRequest>();
  const [error, setError] = useState<ApiError>();
  const r = current ?? loaded.data;
  const withdraw = async () => {
    setError(undefined);
    try {
      setCurrent(await api.post<RecognitionRequest>(`/api/v1/wallet/recognition-requests/${id}/withdrawal`));
    } catch (e) {
      setError(asApiError(e));
    }
  };
  return (
    <Screen title={r?.programmeName ? `Recognition: ${r.programmeName}` : 'Recognition request'}>
      <p>
        <Link to="/wallet/recognition">All my requests</Link>
      </p>
      <ErrorSummary error={loaded.error ?? error} />
      {r ? (
        <>
          <dl className="facts wrap">
            <dt>Organisation</dt>
            <dd>{r.organisationName ?? '—'}</dd>
            <dt>Sent</dt>
            <dd>{formatDate(r.createdAt)}</dd>
            <dt>Status</dt>
            <dd data-testid="request-status">{STATUS_WORDS[r.status]}</dd>
          </dl>
          <p>The engine’s proposal: {r.proposal.summary}</p>
          <CapAndGap proposal={r.proposal} decision={r.decision?.final ? r.decision : null} />
          {r.proposal.items.map((item, i) => {
            const final = r.decision?.items.find((x) => x.credentialKey === item.credentialKey);
            const moduleName = (id?: string) => r.proposal.programme.modules.find((m) => m.id === id)?.name ?? id;
            return (
              <section key={item.credentialKey} className="card wrap" aria-labelledby={`item-${i}-title`} data-testid="recognition-item">
                <h2 id={`item-${i}-title`}>{item.achievementName}</h2>
                <p>
                  Proposed: <strong>{DECISION_WORDS[item.decision]}</strong>, {item.credits} ECTS{item.moduleName ? ` for ${item.moduleName}` : ''}.
                </p>
                <Reasons item={item} />
                {final?.decision ? (
                  <p data-testid="decision">
                    Decision:{' '}
                    <strong>
                      {final.outcome === 'recognised' ? `${final.credits} ECTS recognised` : 'not recognised'}
                      {final.outcome === 'recognised' && final.moduleId ? ` for ${moduleName(final.moduleId)}` : ''}
                    </strong>
                    {final.decision.action === 'amend' ? ' (amended)' : ''}
                    {final.decision.reason ? `. Reason: ${final.decision.reason}` : ''}
                  </p>
                ) : null}
              </section>
            );
          })}
          {r.status === 'decided' && r.issuedCredentialId ? (
            <Notice tone="success">
              Your recognition credential is in your <Link to="/wallet">wallet</Link>.
            </Notice>
          ) : null}
          {r.status === 'pending' ? (
            <div className="button-row">
              <button type="button" className="danger" onClick={() => void withdraw()}>
                Withdraw this request
              </button>
            </div>
          ) : null}
        </>
      ) : null}
    </Screen>
  );
}

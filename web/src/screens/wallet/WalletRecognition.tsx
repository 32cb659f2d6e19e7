import { useCallback, useState } from 'react';
import '../../recognition.css';
import type { FormEvent } from 'react';
import { asApiError } from '../../api.ts';
import type { ApiError } from '../../api.ts';
import { ErrorSummary } from '../../components/ErrorSummary.tsx';
import { Field, FieldSet } from '../../components/Field.tsx';
import { Notice } from '../../components/Notice.tsx';
import { Screen } from '../../components/Screen.tsx';
import { WalletRequest } from '../../components/WalletRequest.tsx';
import { createRecognitionPresentationRequest, presentationRequestState } from '../../api/verifier.ts';
import { formatDate, useLoad } from '../../load.ts';
import { Link, useNavigate, useParams } from 'react-router';
import { useApiQuery, useInvalidateApi } from '../../query.ts';
import { useSession } from '../../session.tsx';
import type { Agreement, MyRecognitionRequestView, PresentationRequestState, Plan, PublicProgramme as Programme, RecognitionRequestView as RecognitionRequest, WalletPage } from '../../api-types.ts';
import { ects } from '../../format.ts';
import { describeAgreement, OUTCOME, PROPOSED, REQUEST_STATUS } from '../../recognition-words.ts';
import { guarded } from '../../submit.ts';

/** The learner asks an organisation to recognise wallet credentials toward a programme, and follows her requests. */
export function WalletRecognitionScreen() {
  const { api } = useSession();
  const navigate = useNavigate();
  const data = useLoad(async (signal) => {
    const [programmes, wallet, requests] = await Promise.all([
      api.get<{ items: Programme[] }>('/api/v1/programmes', { signal }),
      api.get<WalletPage>('/api/v1/wallet/credentials?limit=100&status=verified', { signal }),
      api.get<{ items: RecognitionRequest[] }>('/api/v1/wallet/recognition-requests', { signal }),
    ]);
    return { programmes: programmes.items, credentials: wallet.items, requests: requests.items };
  }, 'recognition');
  const [programmeId, setProgrammeId] = useState('');
  const agreements = useLoad(
    async (signal) => (programmeId ? (await api.get<{ items: Agreement[] }>(`/api/v1/programmes/${programmeId}/agreements`, { signal })).items : []),
    programmeId,
  );
  // What the learner could still earn on this instance that the programme would recognise (the planner).
  const plan = useLoad(
    async (signal) => (programmeId ? await api.post<Plan>('/api/v1/wallet/plans', { target: { programmeId }, objective: 'credits' }, { signal }) : undefined),
    `plan:${programmeId}`,
  );
  const [chosen, setChosen] = useState<string[]>([]);
  const [error, setError] = useState<ApiError>();
  const programme = data.data?.programmes.find((p) => p.id === programmeId);
  const moduleName = (id: string) => programme?.modules.find((m) => m.id === id)?.name ?? id;
  const names = new Map((data.data?.programmes ?? []).map((p) => [p.id, `${p.name}${p.organisationName ? ` (${p.organisationName})` : ''}`]));

  const [walletProblem, setWalletProblem] = useState<string>();
  const pollWallet = useCallback((handle: string) => presentationRequestState(api, handle), [api]);
  // The wallet app answered: its verified credentials are now in this wallet and the request is made.
  const walletAnswered = (state: PresentationRequestState) => {
    if (state.recognitionRequestId) navigate(`/wallet/recognition/${state.recognitionRequestId}`);
    else if (state.status === 'answered') setWalletProblem(state.recognitionProblem ?? 'The wallet’s answer could not be used for a request.');
  };

  const send = async (event: FormEvent) => {
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
    <Screen title="Recognition" intro="Ask a university to recognise your credentials as credit toward one of its programmes. You see its proposal at once; its registrar decides.">
      <ErrorSummary error={error ?? data.error} />
      {data.data ? (
        <form className="form" onSubmit={guarded(send)} noValidate aria-labelledby="ask-heading">
          <h2 id="ask-heading">Ask for recognition</h2>
          <Field id="r-programme" label="Programme" required error={error?.fieldMessage('/programmeId')}>
            {(p) => (
              <select {...p} value={programmeId} onChange={(e) => setProgrammeId(e.target.value)}>
                <option value="">Choose a programme</option>
                {data.data?.programmes.map((prog) => (
                  <option key={prog.id} value={prog.id}>
                    {names.get(prog.id)}
                  </option>
                ))}
              </select>
            )}
          </Field>
          {programme ? (
            <section aria-labelledby="counts-heading" className="panel">
              <h3 id="counts-heading">What counts toward {programme.name}</h3>
              {agreements.data?.length ? (
                <ul>
                  {agreements.data.map((a) => (
                    <li key={a.id}>
                      {moduleName(a.moduleId)}, {ects(a.credits)}: {describeAgreement(a)}
                    </li>
                  ))}
                </ul>
              ) : (
                <p>{agreements.loading ? 'Loading…' : 'This programme has no recognition agreements yet.'}</p>
              )}
              {plan.data && plan.data.achievements.length > 0 ? (
                <>
                  <h4>Micro-credentials on this platform that it would recognise</h4>
                  <ul>
                    {plan.data.achievements.map((a) => (
                      <li key={a.achievementId}>
                        {a.achievementName}
                        {a.creditsEcts ? `, ${ects(a.creditsEcts)}` : ''}: {a.reasons.join(' ')}
                      </li>
                    ))}
                  </ul>
                </>
              ) : null}
            </section>
          ) : null}
          {programme && agreements.data?.length ? (
            <section aria-labelledby="wallet-app-heading" className="panel">
              <h3 id="wallet-app-heading">Or present them from your wallet app</h3>
              <p>If you keep your credentials in another wallet app (OpenID4VP), it can send the ones {programme.name} recognises; they are checked, kept in this wallet too, and the request is sent.</p>
              <WalletRequest key={programmeId} create={() => createRecognitionPresentationRequest(api, programmeId)} poll={pollWallet} onState={walletAnswered} startLabel="Ask my wallet app" />
              {walletProblem ? <Notice tone="warning">{walletProblem}</Notice> : null}
            </section>
          ) : null}
          <FieldSet id="r-credentials" legend="Credentials to recognise" hint="Verified credentials in your wallet." error={error?.fieldMessage('/credentialIds')}>
            {data.data.credentials.length === 0 ? <p>Your wallet holds no verified credentials yet.</p> : null}
            <div className="choices">
              {data.data.credentials.map((c) => (
                <label key={c.id} className="choice">
                  <input type="checkbox" checked={chosen.includes(c.id)} onChange={(e) => setChosen(e.target.checked ? [...chosen, c.id] : chosen.filter((x) => x !== c.id))} />
                  {c.name}
                  {c.issuerName ? `, ${c.issuerName}` : ''}
                  {c.ects ? `, ${ects(c.ects)}` : ''}
                </label>
              ))}
            </div>
          </FieldSet>
          <button type="submit" className="primary" disabled={!programmeId || chosen.length === 0}>
            Send request
          </button>
        </form>
      ) : data.loading ? (
        <Notice>Loading…</Notice>
      ) : null}
      {data.data?.requests.length ? (
        <section aria-labelledby="mine-heading">
          <h2 id="mine-heading">My requests</h2>
          <ul className="link-list">
            {data.data.requests.map((r) => (
              <li key={r.id}>
                <Link to={`/wallet/recognition/${r.id}`}>{names.get(r.programmeId) ?? r.proposal.programme.name}</Link> — {REQUEST_STATUS[r.status]}, sent {formatDate(r.createdAt)}
                {r.decision?.final ? `, ${ects(r.decision.totalRecognised)} recognised` : ''}
              </li>
            ))}
          </ul>
        </section>
      ) : null}
    </Screen>
  );
}

function ProposalText({ item }: { item: { decision: keyof typeof PROPOSED; credits: number; moduleName?: string | null; reasons: string[] } }) {
  return (
    <>
      <p>
        Proposed: {PROPOSED[item.decision]}
        {item.credits > 0 ? `, ${ects(item.credits)}${item.moduleName ? ` for ${item.moduleName}` : ''}` : ''}.
      </p>
      <ul>
        {item.reasons.map((reason, i) => (
          <li key={i}>{reason}</li>
        ))}
      </ul>
    </>
  );
}

/** One request: the proposal with its reasons, the registrar's decisions and reasons, the gap; withdraw while pending. */
export function WalletRecognitionRequestScreen() {
  const params = useParams();
  const { api } = useSession();
  const requestPath = `/api/v1/wallet/recognition-requests/${encodeURIComponent(params.requestId ?? '')}`;
  const data = useApiQuery<MyRecognitionRequestView>(requestPath);
  const invalidate = useInvalidateApi();
  const [error, setError] = useState<ApiError>();
  const request = data.data;
  const decided = new Map((request?.decision?.items ?? []).map((item) => [item.credentialKey, item]));

  const withdraw = async () => {
    setError(undefined);
    try {
      await api.post(`/api/v1/wallet/recognition-requests/${params.requestId}/withdrawal`);
      await invalidate(requestPath);
    } catch (e) {
      setError(asApiError(e));
    }
  };

  return (
    <Screen title={request ? `Recognition toward ${request.programmeName ?? request.proposal.programme.name}` : 'Recognition request'}>
      <p>
        <Link to="/wallet/recognition">All my requests</Link>
      </p>
      <ErrorSummary error={error ?? data.error} />
      {request ? (
        <>
          <section aria-labelledby="state-heading" className="panel">
            <h2 id="state-heading">{REQUEST_STATUS[request.status]}</h2>
            {request.organisationName ? <p>Sent to {request.organisationName} on {formatDate(request.createdAt)}.</p> : null}
            {request.decision?.final ? (
              <p>
                <strong>{ects(request.decision.totalRecognised)} recognised.</strong>{' '}
                {request.issuedCredentialId ? (
                  <>
                    Your recognition credential is in <Link to="/wallet">your wallet</Link>.
                  </>
                ) : null}
              </p>
            ) : (
              <p>Proposed: {ects(request.proposal.totalRecognised)}. {request.proposal.summary}</p>
            )}
            <p>Still needed for the programme: {request.decision?.gap.summary ?? request.proposal.gap.summary}</p>
            {request.status === 'pending' ? (
              <button type="button" className="danger" onClick={() => void withdraw()}>
                Withdraw this request
              </button>
            ) : null}
          </section>
          <h2>Credentials</h2>
          {request.proposal.items.map((item) => {
            const final = decided.get(item.credentialKey);
            return (
              <article key={item.credentialKey} className="panel">
                <h3>{item.achievementName}</h3>
                {final?.decision ? (
                  <>
                    <p>
                      <strong>Decision: {OUTCOME[final.outcome]}</strong>, {ects(final.credits)}
                      {final.decision.action === 'amend' ? ' (amended by the registrar)' : ''}
                      {final.decision.reason ? `. ${final.decision.reason}` : '.'}
                    </p>
                    {/* Decided: the proposal is history, not a second figure beside the decision. */}
                    <details>
                      <summary>What was proposed before the decision</summary>
                      <ProposalText item={item} />
                    </details>
                  </>
                ) : (
                  <ProposalText item={item} />
                )}
              </article>
            );
          })}
        </>
      ) : data.isFetching ? (
        <Notice>Loading…</Notice>
      ) : null}
    </Screen>
  );
}

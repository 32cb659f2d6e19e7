import { useState } from 'react';
import type { FormEvent } from 'react';
import { asApiError, query } from '../api.ts';
import type { ApiError } from '../api.ts';
import { ErrorSummary } from '../components/ErrorSummary.tsx';
import { Field } from '../components/Field.tsx';
import { Notice } from '../components/Notice.tsx';
import { Screen } from '../components/Screen.tsx';
import { formatDate, useLoad } from '../load.ts';
import { Link } from '../router.tsx';
import { useOrganisation, useSession } from '../session.tsx';
import { DECISION_WORDS } from '../recognition-types.ts';
import type { DecisionRecord, Programme, Proposal, ProposalItem, RecognitionRequest, RecognitionRequestDetail, RegistrarAction, SourceCredential } from '../recognition-types.ts';

const STATUS_WORDS: Record<RecognitionRequest['status'], string> = { pending: 'Pending', decided: 'Decided', withdrawn: 'Withdrawn' };

/** The registrar's queue of recognition requests, oldest first. */
export function RecognitionQueueScreen() {
  const { organisationId } = useOrganisation();
  const { api } = useSession();
  const [status, setStatus] = useState<'pending' | 'decided'>('pending');
  const requests = useLoad(
    (signal) => api.get<{ items: RecognitionRequest[] }>(`/api/v1/organisations/${organisationId}/recognition-requests${query({ status })}`, { signal }),
    organisationId + status,
  );
  return (
    <Screen title="Recognition requests" intro="Learners asking to have credentials recognised toward a programme, oldest first.">
      <p>
        <Link to="/console/programmes">Programmes and agreements</Link>
      </p>
      <div className="filters">
        <Field id="queue-status" label="Show">
          {(p) => (
            <select {...p} value={status} onChange={(e) => setStatus(e.target.value as 'pending' | 'decided')}>
              <option value="pending">Pending</option>
              <option value="decided">Decided</option>
            </select>
          )}
        </Field>
      </div>
      <ErrorSummary error={requests.error} />
      {requests.data?.items.length === 0 ? <Notice>No {status} requests.</Notice> : null}
      {requests.data?.items.length ? (
        <div className="table-wrap">
          <table>
            <caption className="visually-hidden">Recognition requests</caption>
            <thead>
              <tr>
                <th scope="col">Received</th>
                <th scope="col">Programme</th>
                <th scope="col">Credentials</th>
                <th scope="col">Proposed ECTS</th>
                <th scope="col">Status</th>
              </tr>
            </thead>
            <tbody>
              {requests.data.items.map((r) => (
                <tr key={r.id}>
                  <td>
                    <Link to={`/console/recognition/${r.id}`}>{formatDate(r.createdAt)}</Link>
                  </td>
                  <td>{r.proposal.programme?.name ?? r.programmeId}</td>
                  <td>{r.credentialIds.length}</td>
                  <td>{r.decision?.totalRecognised ?? r.proposal.totalRecognised}</td>
                  <td>{STATUS_WORDS[r.status]}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </Screen>
  );
}

/** The proposal's reasons for one item, in words. */
export function Reasons({ item }: { item: ProposalItem }) {
  return (
    <ul className="checks">
      {item.checks.length
        ? item.checks.map((c, i) => (
            <li key={i} className={c.passed ? 'check check-passed' : 'check check-failed'}>
              <span className="check-outcome">{c.passed ? 'Passed:' : 'Failed:'}</span>
              <span className="check-message">{c.message}</span>
            </li>
          ))
        : item.reasons.map((r, i) => <li key={i}>{r}</li>)}
    </ul>
  );
}

/** Cap and gap of a proposal or decision, in words. */
export function CapAndGap({ proposal, decision }: { proposal: Proposal; decision: DecisionRecord | null }) {
  const gap = decision?.gap ?? proposal.gap;
  return (
    <dl className="facts wrap" data-testid="cap-and-gap">
      <dt>Credits recognised</dt>
      <dd>
        {decision ? decision.totalRecognised : proposal.totalRecognised} ECTS{decision ? '' : ' proposed'} of {proposal.programme.totalCredits}
      </dd>
      <dt>Cap on prior learning</dt>
      <dd>{proposal.cap.explanation}</dd>
      <dt>Still needed</dt>
      <dd>{gap.summary || `${gap.creditsStillNeeded} ECTS`}</dd>
    </dl>
  );
}

type Row = { action: RegistrarAction; credits: string; moduleId: string; reason: string };

/** The decision screen: the engine's proposal and reasons beside each source credential, decided item by item. */
export function RecognitionDecisionScreen({ params }: { params: Record<string, string> }) {
  const { organisationId } = useOrganisation();
  const { api } = useSession();
  const id = params.requestId ?? '';
  const base = `/api/v1/organisations/${organisationId}/recognition-requests/${id}`;
  const request = useLoad((signal) => api.get<RecognitionRequestDetail>(base, { signal }), id);
  const programmeId = request.data?.programmeId ?? '';
  // Whether the programme names a recognition credential (only then can issuing be retried).
  const programme = useLoad(
    (signal) => (programmeId ? api.get<Programme>(`/api/v1/organisations/${organisationId}/programmes/${programmeId}`, { signal }) : Promise.resolve(undefined)),
    programmeId,
  );
  const [rows, setRows] = useState<Record<string, Row>>({});
  const [error, setError] = useState<ApiError>();
  const [done, setDone] = useState(false);
  const r = request.data;
  const rowOf = (item: ProposalItem): Row =>
    rows[item.credentialKey] ?? { action: item.decision === 'reject' ? 'reject' : 'approve', credits: String(item.credits), moduleId: item.moduleId ?? '', reason: '' };
  const setRow = (item: ProposalItem, change: Partial<Row>) => setRows({ ...rows, [item.credentialKey]: { ...rowOf(item), ...change } });
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!r) return;
    setError(undefined);
    const decisions = r.proposal.items.map((item) => {
      const row = rowOf(item);
      return {
        credentialKey: item.credentialKey,
        action: row.action,
        ...(row.action === 'amend' ? { credits: row.credits.trim() === '' ? undefined : Number(row.credits), ...(row.moduleId ? { moduleId: row.moduleId } : {}) } : {}),
        ...(row.reason.trim() ? { reason: row.reason.trim() } : {}),
      };
    });
    try {
      await api.post(`${base}/decisions`, { decisions });
      setDone(true);
      request.reload();
    } catch (e) {
      setError(asApiError(e));
    }
  };
  const retryIssuance = async () => {
    setError(undefined);
    try {
      await api.post(`${base}/issuance`);
      request.reload();
    } catch (e) {
      setError(asApiError(e));
    }
  };
  const credentialOf = (key: string): SourceCredential | undefined => r?.credentials.find((c) => c.id === key);
  const finalOf = (key: string) => r?.decision?.items.find((i) => i.credentialKey === key);
  const pending = r?.status === 'pending';
  return (
    <Screen title="Recognition decision">
      <p>
        <Link to="/console/recognition">All requests</Link>
      </p>
      <ErrorSummary error={request.error} />
      {done ? <Notice tone="success">Decision saved.{r?.issuedCredentialId ? ' The recognition credential was issued.' : ''}</Notice> : null}
      {r ? (
        <>
          <dl className="facts wrap">
            <dt>Learner</dt>
            <dd>
              {r.learner.name ? `${r.learner.name} ` : ''}&lt;{r.learner.email}&gt;
            </dd>
            <dt>Programme</dt>
            <dd>{r.programmeName}</dd>
            <dt>Received</dt>
            <dd>{formatDate(r.createdAt)}</dd>
            <dt>Status</dt>
            <dd>{STATUS_WORDS[r.status]}</dd>
            {r.decidedAt ? (
              <>
                <dt>Decided</dt>
                <dd>{formatDate(r.decidedAt)}</dd>
              </>
            ) : null}
          </dl>
          <p>The engine’s proposal: {r.proposal.summary}</p>
          <CapAndGap proposal={r.proposal} decision={r.decision} />
          <form onSubmit={(e) => void submit(e)} noValidate className="form" aria-labelledby="items-title">
            <h2 id="items-title">Items</h2>
            <ErrorSummary error={error} />
            {r.proposal.items.map((item, index) => {
              const source = credentialOf(item.credentialKey);
              const row = rowOf(item);
              const final = finalOf(item.credentialKey);
              const prefix = `item-${index}`;
              return (
                <section key={item.credentialKey} className="card wrap" aria-labelledby={`${prefix}-title`} data-testid="recognition-item">
                  <h3 id={`${prefix}-title`}>{source?.achievementName ?? item.achievementName}</h3>
                  <div>
                    <dl className="facts wrap">
                      <dt>Issuer</dt>
                      <dd>{source?.issuerName ?? source?.issuerId ?? item.issuerId}</dd>
                      <dt>ECTS</dt>
                      <dd>{source?.creditsEcts ?? '—'}</dd>
                      <dt>EQF level</dt>
                      <dd>{source?.eqfLevel ?? '—'}</dd>
                      <dt>Status</dt>
                      <dd>{source?.status ?? '—'}</dd>
                      <dt>Issued on</dt>
                      <dd>{formatDate(source?.issuedOn)}</dd>
                    </dl>
                    <div>
                      <p>
                        <strong>Proposal: {DECISION_WORDS[item.decision]}</strong>, {item.credits} ECTS{item.moduleName ? ` for ${item.moduleName}` : ''}
                        {item.creditsBeforeCaps !== item.credits ? ` (${item.creditsBeforeCaps} before caps)` : ''}
                      </p>
                      <Reasons item={item} />
                    </div>
                  </div>
                  {final?.decision ? (
                    <p data-testid="final-item">
                      <strong>Decision: {final.outcome === 'recognised' ? `recognised, ${final.credits} ECTS` : final.outcome}</strong>
                      {final.moduleId ? ` for ${r.proposal.programme.modules.find((m) => m.id === final.moduleId)?.name ?? final.moduleId}` : ''} ({final.decision.action})
                      {final.decision.reason ? `: ${final.decision.reason}` : ''}
                    </p>
                  ) : null}
                  {pending && !final?.decision ? (
                    <fieldset className="field">
                      <legend>Your decision on {item.achievementName}</legend>
                      <div className="choices">
                        {(['approve', 'amend', 'reject'] as const).map((action) => (
                          <label key={action} className="choice">
                            <input type="radio" name={`${prefix}-action`} checked={row.action === action} onChange={() => setRow(item, { action })} />
                            {action === 'approve' ? 'Approve' : action === 'amend' ? 'Amend' : 'Reject'}
                          </label>
                        ))}
                      </div>
                      {row.action === 'amend' ? (
                        <>
                          <Field id={`${prefix}-credits`} label="Credits (ECTS)" error={error?.fieldMessage(`/decisions/${index}/credits`)}>
                            {(p) => <input {...p} inputMode="decimal" value={row.credits} onChange={(e) => setRow(item, { credits: e.target.value })} />}
                          </Field>
                          <Field id={`${prefix}-module`} label="Module" error={error?.fieldMessage(`/decisions/${index}/moduleId`)}>
                            {(p) => (
                              <select {...p} value={row.moduleId} onChange={(e) => setRow(item, { moduleId: e.target.value })}>
                                <option value="">As proposed</option>
                                {r.proposal.programme.modules.map((m) => (
                                  <option key={m.id} value={m.id}>
                                    {m.id} {m.name}
                                  </option>
                                ))}
                              </select>
                            )}
                          </Field>
                        </>
                      ) : null}
                      <Field
                        id={`${prefix}-reason`}
                        label="Reason"
                        hint={row.action === 'approve' ? 'Optional when approving.' : 'Required: the learner reads it.'}
                        error={error?.fieldMessage(`/decisions/${index}/reason`)}
                      >
                        {(p) => <textarea {...p} rows={2} value={row.reason} onChange={(e) => setRow(item, { reason: e.target.value })} />}
                      </Field>
                    </fieldset>
                  ) : null}
                </section>
              );
            })}
            {pending ? (
              <div className="button-row">
                <button type="submit" className="primary">
                  Submit decision
                </button>
              </div>
            ) : null}
          </form>
          {r.status === 'decided' ? (
            <p data-testid="issued">{r.issuedCredentialId ? 'The recognition credential was issued to the learner.' : 'The recognition credential is not issued yet.'}</p>
          ) : null}
          {r.status === 'decided' && !r.issuedCredentialId && programme.data?.achievementId ? (
            <div className="button-row">
              <button type="button" onClick={() => void retryIssuance()}>
                Issue the recognition credential now
              </button>
            </div>
          ) : null}
        </>
      ) : null}
    </Screen>
  );
}

import { useState } from 'react';
import { asApiError } from '../../api.ts';
import type { ApiError } from '../../api.ts';
import { useConfirm } from '../../components/ConfirmDialog.tsx';
import { ErrorSummary } from '../../components/ErrorSummary.tsx';
import { DataTable } from '../../components/DataTable.tsx';
import { Field, FieldSet } from '../../components/Field.tsx';
import { Notice } from '../../components/Notice.tsx';
import { Screen } from '../../components/Screen.tsx';
import { formatDate } from '../../load.ts';
import { useApiQuery, useInvalidateApi } from '../../query.ts';
import { Link, useParams } from 'react-router';
import { useOrganisation, useSession } from '../../session.tsx';
import type { ProposalItem, QueueRequestView as QueueRequest, RecognitionRequestView as RecognitionRequest, RegistrarAction, RequestDetailView as RequestDetail, SourceCredential } from '../../api-types.ts';
import { ects } from '../../format.ts';
import { useSubmit } from '../../submit.ts';
import { OUTCOME, PROPOSED, REQUEST_STATUS } from '../../recognition-words.ts';
import { RecognitionNav, REGISTRARS } from './Programmes.tsx';

type Status = RecognitionRequest['status'];

/** The registrar's queue of recognition requests, oldest first. */
export function RecognitionQueueScreen() {
  const { organisationId } = useOrganisation();
  const [status, setStatus] = useState<Status>('pending');
  const data = useApiQuery<{ items: QueueRequest[] }>(`/api/v1/organisations/${organisationId}/recognition-requests?status=${status}`);
  return (
    <Screen title="Recognition requests" intro="Learners ask you to recognise their credentials toward a programme. The engine proposes a decision per credential with its reasons; you decide.">
      <RecognitionNav />
      <div className="field narrow">
        <label htmlFor="queue-status">Show</label>
        <select id="queue-status" value={status} onChange={(e) => setStatus(e.target.value as Status)}>
          <option value="pending">Waiting for a decision</option>
          <option value="decided">Decided</option>
          <option value="withdrawn">Withdrawn</option>
        </select>
      </div>
      <DataTable
        caption="Recognition requests"
        rows={data.data?.items}
        error={data.error}
        onRetry={() => void data.refetch()}
        rowKey={(r) => r.id}
        empty="No requests here."
        columns={[
          { header: 'Received', cell: (r) => <Link to={`/console/recognition/${r.id}`}>{formatDate(r.createdAt)}</Link> },
          { header: 'Learner', cell: (r) => r.learner.name ?? r.learner.email },
          { header: 'Programme', cell: (r) => r.programmeName },
          { header: 'Credentials', cell: (r) => r.credentialIds.length },
          { header: 'Proposed', cell: (r) => ects(r.proposal.totalRecognised) },
          { header: 'Status', cell: (r) => REQUEST_STATUS[r.status] },
        ]}
      />
    </Screen>
  );
}

interface Choice {
  action: RegistrarAction | '';
  credits: string;
  moduleId: string;
  reason: string;
}

function SourceFacts({ source }: { source: SourceCredential | undefined }) {
  if (!source) return <p className="muted">The credential is no longer in the learner’s wallet.</p>;
  return (
    <dl className="facts">
      <dt>Issuer</dt>
      <dd className="wrap">{source.issuerName ?? source.issuerId ?? 'Unknown'}</dd>
      <dt>Credits</dt>
      <dd>{ects(source.creditsEcts)}</dd>
      <dt>EQF level</dt>
      <dd>{source.eqfLevel ?? '—'}</dd>
      <dt>Issued on</dt>
      <dd>{formatDate(source.issuedOn)}</dd>
      <dt>Verification</dt>
      <dd>{source.status}</dd>
    </dl>
  );
}

function ProposalFacts({ item }: { item: ProposalItem }) {
  return (
    <div className="proposal">
      <p>
        <strong>Proposed: {PROPOSED[item.decision]}</strong>
        {item.credits > 0 ? ` — ${ects(item.credits)}${item.moduleName ? ` for ${item.moduleName}` : ''}` : ''}
        {item.creditsBeforeCaps !== item.credits ? ` (${ects(item.creditsBeforeCaps)} before the cap)` : ''}
      </p>
      <ul>
        {item.reasons.map((reason, i) => (
          <li key={i}>{reason}</li>
        ))}
      </ul>
      {item.checks.length ? (
        <details>
          <summary>Every condition checked</summary>
          <ul>
            {item.checks.map((check, i) => (
              <li key={i}>
                {check.passed ? 'Passed' : 'Failed'}: {check.message}
              </li>
            ))}
          </ul>
        </details>
      ) : null}
    </div>
  );
}

/**
 * The decision screen: the engine's proposal and its reasons beside each source credential; the
 * registrar approves, amends (credits, module) or rejects each, with a reason for the last two.
 */
export function RecognitionDecisionScreen() {
  const params = useParams();
  const { organisationId, role } = useOrganisation();
  const { api } = useSession();
  const base = `/api/v1/organisations/${organisationId}`;
  const requestPath = `${base}/recognition-requests/${params.requestId ?? ''}`;
  const data = useApiQuery<RequestDetail>(requestPath);
  const invalidate = useInvalidateApi();
  const [choices, setChoices] = useState<Record<string, Choice>>({});
  const [error, setError] = useState<ApiError>();
  const [done, setDone] = useState<string>();
  const request = data.data;
  const canDecide = REGISTRARS.includes(role) && request?.status === 'pending';
  const choiceOf = (key: string): Choice => choices[key] ?? { action: '', credits: '', moduleId: '', reason: '' };
  const set = (key: string, patch: Partial<Choice>) => setChoices({ ...choices, [key]: { ...choiceOf(key), ...patch } });
  const decided = new Map((request?.decision?.items ?? []).map((item) => [item.credentialKey, item]));

  const { confirm, dialog } = useConfirm();
  const issuing = useSubmit(async () => {
    setError(undefined);
    setDone(undefined);
    try {
      await api.post(`${base}/recognition-requests/${params.requestId}/issuance`);
      setDone('The recognition credential is issued to the learner.');
      await invalidate(requestPath);
    } catch (e) {
      setError(asApiError(e));
    }
  });

  const deciding = useSubmit(async () => {
    if (!request) return;
    setError(undefined);
    setDone(undefined);
    const decisions = request.proposal.items.flatMap((item) => {
      const c = choiceOf(item.credentialKey);
      if (!c.action) return [];
      return [{
        credentialKey: item.credentialKey,
        action: c.action,
        ...(c.action === 'amend' && c.credits.trim() !== '' ? { credits: Number(c.credits) } : {}),
        ...(c.action === 'amend' && c.moduleId ? { moduleId: c.moduleId } : {}),
        ...(c.reason.trim() ? { reason: c.reason.trim() } : {}),
      }];
    });
    if (decisions.length === 0) {
      setError(asApiError(new Error('Choose approve, amend or reject for at least one credential.')));
      return;
    }
    const rejected = decisions.filter((d) => d.action === 'reject').length;
    const ok = await confirm({
      title: `Record ${decisions.length === 1 ? 'this decision' : `these ${decisions.length} decisions`}?`,
      body: `A recorded decision is final: the learner is told${rejected ? `, and ${rejected === 1 ? 'a rejected credential' : `${rejected} rejected credentials`} cannot be reconsidered in this request` : ''}.`,
      confirmLabel: 'Yes, record them',
    });
    if (!ok) return;
    try {
      const after = await api.post<RecognitionRequest>(`${base}/recognition-requests/${request.id}/decisions`, { decisions });
      setDone(after.status === 'decided'
        ? `Decided: ${ects(after.decision?.totalRecognised ?? 0)} recognised. The learner is told.`
        : 'Saved. Decide the remaining credentials to finish.');
      setChoices({});
      await invalidate(requestPath);
    } catch (e) {
      setError(asApiError(e));
    }
  });

  return (
    <Screen title="Recognition decision" intro={request ? `${request.learner.name ?? request.learner.email} asks for recognition toward ${request.programmeName ?? request.proposal.programme.name}.` : undefined}>
      <RecognitionNav />
      <ErrorSummary error={error ?? data.error} />
      {done && !error ? <Notice tone="success">{done}</Notice> : null}
      {request ? (
        <>
          <section aria-labelledby="summary-heading" className="panel">
            <h2 id="summary-heading">Summary</h2>
            <p>Status: {REQUEST_STATUS[request.status]}. Learner: {request.learner.name ? `${request.learner.name} (${request.learner.email})` : request.learner.email}.</p>
            {request.decision?.final ? (
              <>
                <p data-testid="final-figure">
                  <strong>Recognised in all: {ects(request.decision.totalRecognised)}</strong>
                  {request.issuedCredentialId ? ' — the recognition credential was issued to the learner.' : ''}
                </p>
                <p>Still needed for the programme: {request.decision.gap.summary}</p>
                {/* The engine's proposal is history once decided: kept, but not beside the final figure as if current. */}
                <details>
                  <summary>What the engine proposed before the decision</summary>
                  <p>{request.proposal.summary}</p>
                  <p>{request.proposal.cap.explanation}</p>
                </details>
              </>
            ) : (
              <>
                <p>Proposed: {request.proposal.summary}</p>
                <p>{request.proposal.cap.explanation}</p>
                <p>Still needed for the programme: {request.decision?.gap.summary ?? request.proposal.gap.summary}</p>
              </>
            )}
            {request.decision?.final && !request.issuedCredentialId && request.decision.totalRecognised > 0 && REGISTRARS.includes(role) ? (
              <>
                <p>The recognition credential has not been issued (the programme names none, or issuing failed).</p>
                <button type="button" disabled={issuing.pending} onClick={() => void issuing.run()}>
                  Issue the recognition credential
                </button>
              </>
            ) : null}
          </section>
          <form
            onSubmit={(e) => {
              e.preventDefault();
              void deciding.run();
            }}
            noValidate
            aria-labelledby="items-heading"
          >
            <h2 id="items-heading">Credentials</h2>
            {request.proposal.items.map((item) => {
              const source = request.credentials.find((c) => c.id === item.credentialKey);
              const final = decided.get(item.credentialKey);
              const c = choiceOf(item.credentialKey);
              const open = canDecide && final?.decision === undefined;
              const slug = item.credentialKey.replace(/[^A-Za-z0-9_-]/g, '');
              return (
                <article key={item.credentialKey} className="panel decision-item" aria-labelledby={`item-${slug}`}>
                  <h3 id={`item-${slug}`}>{source?.achievementName ?? item.achievementName}</h3>
                  <div className="two-columns">
                    <SourceFacts source={source} />
                    <ProposalFacts item={item} />
                  </div>
                  {final?.decision ? (
                    <p>
                      <strong>{OUTCOME[final.outcome]}</strong>: {ects(final.credits)} ({final.decision.action}){final.decision.reason ? `. Reason: ${final.decision.reason}` : ''}
                    </p>
                  ) : null}
                  {open ? (
                    <FieldSet id={`d-${slug}`} legend={`Your decision on ${source?.achievementName ?? item.achievementName}`}>
                      <div className="choices">
                        {(['approve', 'amend', 'reject'] as const).map((action) => (
                          <label key={action} className="choice">
                            <input type="radio" name={`action-${slug}`} value={action} checked={c.action === action} onChange={() => set(item.credentialKey, { action })} />
                            {action === 'approve' ? 'Approve as proposed' : action === 'amend' ? 'Amend' : 'Reject'}
                          </label>
                        ))}
                      </div>
                      {c.action === 'amend' ? (
                        <>
                          <Field id={`d-${slug}-credits`} label="Credits to recognise (ECTS)">
                            {(p) => <input {...p} inputMode="decimal" value={c.credits} onChange={(e) => set(item.credentialKey, { credits: e.target.value })} />}
                          </Field>
                          <Field id={`d-${slug}-module`} label="Module">
                            {(p) => (
                              <select {...p} value={c.moduleId} onChange={(e) => set(item.credentialKey, { moduleId: e.target.value })}>
                                <option value="">As proposed{item.moduleName ? ` (${item.moduleName})` : ''}</option>
                                {request.proposal.programme.modules.map((m) => (
                                  <option key={m.id} value={m.id}>
                                    {m.id} {m.name}
                                  </option>
                                ))}
                              </select>
                            )}
                          </Field>
                        </>
                      ) : null}
                      {c.action ? (
                        <Field id={`d-${slug}-reason`} label="Reason" hint={c.action === 'approve' ? 'Optional.' : 'Required: the learner reads it.'}>
                          {(p) => <textarea {...p} rows={2} value={c.reason} onChange={(e) => set(item.credentialKey, { reason: e.target.value })} />}
                        </Field>
                      ) : null}
                    </FieldSet>
                  ) : null}
                </article>
              );
            })}
            {canDecide ? (
              <button type="submit" className="primary" disabled={deciding.pending}>
                {deciding.pending ? 'Recording…' : 'Record decisions'}
              </button>
            ) : null}
          </form>
          {dialog}
        </>
      ) : data.isFetching ? (
        <Notice>Loading…</Notice>
      ) : null}
    </Screen>
  );
}

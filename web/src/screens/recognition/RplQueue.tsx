import { useState } from 'react';
import { asApiError, query } from '../../api.ts';
import type { ApiError } from '../../api.ts';
import { useConfirm } from '../../components/ConfirmDialog.tsx';
import { ErrorSummary } from '../../components/ErrorSummary.tsx';
import { DataTable } from '../../components/DataTable.tsx';
import { Field } from '../../components/Field.tsx';
import { Notice } from '../../components/Notice.tsx';
import { RplEvidenceList } from '../../components/RplEvidenceList.tsx';
import { Screen } from '../../components/Screen.tsx';
import { formatDate } from '../../load.ts';
import { useApiQuery } from '../../query.ts';
import { Link, useParams } from 'react-router';
import { useOrganisation, useSession } from '../../session.tsx';
import type { RplCaseDetailView, RplCaseView as RplCase, RplOutcome } from '../../api-types.ts';
import { CASE_WORDS, OUTCOME_WORDS } from '../../recognition-words.ts';
import { useSubmit } from '../../submit.ts';

type Filter = '' | 'awarded' | 'not-awarded';

/** The assessors' queue of RPL cases (submitted and in review by default), oldest first. */
export function RplQueueScreen() {
  const { organisationId } = useOrganisation();
  const [status, setStatus] = useState<Filter>('');
  const cases = useApiQuery<{ items: RplCase[] }>(`/api/v1/organisations/${organisationId}/rpl-cases${query({ status })}`);
  return (
    <Screen title="Prior learning cases" intro="Learners asking for a micro-credential on the evidence of what they already know, oldest first.">
      <div className="filters">
        <Field id="rpl-status" label="Show">
          {(p) => (
            <select {...p} value={status} onChange={(e) => setStatus(e.target.value as Filter)}>
              <option value="">Waiting for review</option>
              <option value="awarded">Awarded</option>
              <option value="not-awarded">Not awarded</option>
            </select>
          )}
        </Field>
      </div>
      <DataTable
        caption="Prior learning cases"
        rows={cases.data?.items}
        error={cases.error}
        onRetry={() => void cases.refetch()}
        rowKey={(c) => c.id}
        empty="No cases here."
        columns={[
          { header: 'Micro-credential', cell: (c) => <Link to={`/console/rpl/${c.id}`}>{c.achievementName}</Link> },
          { header: 'Outcomes', cell: (c) => c.outcomes.length },
          { header: 'Status', cell: (c) => CASE_WORDS[c.status] },
          { header: 'Updated', cell: (c) => formatDate(c.updatedAt) },
        ]}
      />
    </Screen>
  );
}

/** One case: per learning outcome the evidence and a review; decide once every outcome is reviewed. */
export function RplCaseReviewScreen() {
  const params = useParams();
  const { organisationId } = useOrganisation();
  const { api } = useSession();
  const id = params.caseId ?? '';
  const base = `/api/v1/organisations/${organisationId}/rpl-cases/${id}`;
  const loaded = useApiQuery<RplCaseDetailView>(base);
  const [current, setCurrent] = useState<RplCaseDetailView>();
  const [error, setError] = useState<ApiError>();
  const [message, setMessage] = useState<string>();
  const c = current ?? loaded.data;
  const { confirm, dialog } = useConfirm();
  const sending = useSubmit(async (path: string, body: unknown, done: string) => {
    setError(undefined);
    setMessage(undefined);
    try {
      // The answer is the case without the learner (RplCase): keep the learner the detail showed.
      const after = await api.post<RplCase>(`${base}/${path}`, body);
      setCurrent(c && { ...after, learner: c.learner });
      setMessage(done);
    } catch (e) {
      setError(asApiError(e));
    }
  });
  const send = (path: string, body: unknown, done: string) => sending.run(path, body, done);
  /** Deciding awards (or refuses) the micro-credential for good: ask first, naming the result. */
  const decide = async () => {
    if (!c) return;
    const accepted = c.outcomes.filter((o) => o.status === 'accepted').length;
    const award = accepted === c.outcomes.length;
    const ok = await confirm({
      title: award ? `Award “${c.achievementName}”?` : `Close the case without the award?`,
      body: award
        ? 'Every learning outcome is accepted: deciding awards the micro-credential and issues it to the learner. An award cannot be taken back here (only revoked).'
        : `${c.outcomes.length - accepted} of ${c.outcomes.length} learning outcomes are not accepted: deciding closes the case as not awarded, and the learner is told.`,
      confirmLabel: award ? 'Award the micro-credential' : 'Decide: not awarded',
    });
    if (ok) await send('decision', {}, 'Case decided.');
  };
  const reviewable = c && (c.status === 'submitted' || c.status === 'in-review');
  const allReviewed = c?.outcomes.every((o) => o.status === 'accepted' || o.status === 'rejected');
  return (
    <Screen title={c ? `Prior learning: ${c.achievementName}` : 'Prior learning case'}>
      <p>
        <Link to="/console/rpl">All cases</Link>
      </p>
      <ErrorSummary error={loaded.error ?? error} />
      {message && !error ? <Notice tone="success">{message}</Notice> : null}
      {dialog}
      {c ? (
        <>
          <dl className="facts wrap">
            {c.learner ? (
              <>
                <dt>Learner</dt>
                <dd>
                  {c.learner.name ? `${c.learner.name} ` : ''}&lt;{c.learner.email}&gt;
                </dd>
              </>
            ) : null}
            <dt>Status</dt>
            <dd data-testid="case-status">{CASE_WORDS[c.status]}</dd>
            <dt>Updated</dt>
            <dd>{formatDate(c.updatedAt)}</dd>
          </dl>
          {c.outcomes.map((o, i) => (
            <OutcomeReview
              key={o.id}
              index={i}
              outcome={o}
              fileUrl={(evidenceId) => `${base}/evidence/${evidenceId}/file`}
              reviewable={Boolean(reviewable) && o.status === 'submitted'}
              onReview={(action, feedback) => void send('reviews', { outcomeId: o.id, action, ...(feedback ? { feedback } : {}) }, 'Review saved.')}
            />
          ))}
          {reviewable ? (
            <div className="button-row">
              <button type="button" className="primary" disabled={!allReviewed || sending.pending} onClick={() => void decide()}>
                Decide the case
              </button>
              {!allReviewed ? <span className="hint">Review every outcome first.</span> : null}
            </div>
          ) : null}
          {c.decision ? (
            <p data-testid="case-decision">
              <strong>{c.decision.result === 'awarded' ? 'Awarded' : 'Not awarded'}</strong> on {formatDate(c.decision.at)}.
            </p>
          ) : null}
          {c.status === 'awarded' && !c.issuedCredentialId ? (
            <div className="button-row">
              <span>The credential is not issued yet.</span>
              <button type="button" disabled={sending.pending} onClick={() => void send('issuance', {}, 'Credential issued.')}>
                Issue the credential now
              </button>
            </div>
          ) : null}
        </>
      ) : null}
    </Screen>
  );
}

function OutcomeReview(props: {
  index: number;
  outcome: RplOutcome;
  fileUrl(id: string): string;
  reviewable: boolean;
  onReview(action: 'accept' | 'request-more' | 'reject', feedback: string): void;
}) {
  const { index, outcome, fileUrl, reviewable, onReview } = props;
  const [feedback, setFeedback] = useState('');
  const prefix = `outcome-${index}`;
  return (
    <section className="card wrap" aria-labelledby={`${prefix}-title`} data-testid="rpl-outcome">
      <h2 id={`${prefix}-title`}>
        Outcome {index + 1}: {outcome.statement}
      </h2>
      <p>
        Status: <strong>{OUTCOME_WORDS[outcome.status]}</strong>
      </p>
      <h3>Evidence</h3>
      <RplEvidenceList evidence={outcome.evidence} fileUrl={fileUrl} />
      {outcome.reviews.length ? (
        <>
          <h3>Reviews</h3>
          <ul>
            {outcome.reviews.map((r, i) => (
              <li key={i}>
                {formatDate(r.at)}: {r.action === 'accept' ? 'accepted' : r.action === 'request-more' ? 'more evidence asked' : 'rejected'}
                {r.feedback ? ` — ${r.feedback}` : ''}
              </li>
            ))}
          </ul>
        </>
      ) : null}
      {reviewable ? (
        <>
          <Field id={`${prefix}-feedback`} label="Feedback" hint="Required when asking for more or rejecting.">
            {(p) => <textarea {...p} rows={2} value={feedback} onChange={(e) => setFeedback(e.target.value)} />}
          </Field>
          <div className="button-row">
            <button type="button" className="primary" onClick={() => onReview('accept', feedback)}>
              Accept<span className="visually-hidden"> outcome {index + 1}</span>
            </button>
            <button type="button" onClick={() => onReview('request-more', feedback)}>
              Ask for more<span className="visually-hidden"> on outcome {index + 1}</span>
            </button>
            <button type="button" className="danger" onClick={() => onReview('reject', feedback)}>
              Reject<span className="visually-hidden"> outcome {index + 1}</span>
            </button>
          </div>
        </>
      ) : null}
    </section>
  );
}

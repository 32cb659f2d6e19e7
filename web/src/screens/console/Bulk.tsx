import { useEffect, useState } from 'react';
import type { FormEvent } from 'react';
import { asApiError, query } from '../../api.ts';
import type { ApiError } from '../../api.ts';
import { AchievementSelect } from '../../components/AchievementSelect.tsx';
import { ErrorSummary } from '../../components/ErrorSummary.tsx';
import { Field } from '../../components/Field.tsx';
import { Notice } from '../../components/Notice.tsx';
import { Screen } from '../../components/Screen.tsx';
import { useApiQuery } from '../../query.ts';
import { useOrganisation, useSession } from '../../session.tsx';
import type { Achievement, BulkJob, Issuer } from '../../api-types.ts';
import { reviewCsv } from '../../bulk-review.ts';
import type { BulkReview, ReviewRecipient } from '../../bulk-review.ts';
import { useSubmit, guarded } from '../../submit.ts';
// Pure, imports nothing: the preview is the e-mail the server sends, not a copy of its words.
import { claimMail } from '../../../../src/services/credentials/claim-mail.ts';

const POLL_MS = 500;
const FINISHED = new Set<BulkJob['status']>(['done', 'failed']);

/** Uploads a CSV as a background job after a review of what it will send, follows its progress, and shows the rows it refused, by line. */
export function BulkScreen() {
  const { organisationId } = useOrganisation();
  const { api } = useSession();
  const achievements = useApiQuery<{ items: Achievement[] }>(`/api/v1/organisations/${organisationId}/achievements`);
  const issuers = useApiQuery<{ items: Issuer[] }>(`/api/v1/organisations/${organisationId}/issuers`);
  const [achievementId, setAchievementId] = useState('');
  const [file, setFile] = useState<File>();
  const [error, setError] = useState<ApiError>();
  const [fileProblem, setFileProblem] = useState<string>();
  const [review, setReview] = useState<Extract<BulkReview, { kind: 'ready' }>>();
  const [job, setJob] = useState<BulkJob>();
  const chosen = achievementId || achievements.data?.items[0]?.id || '';
  const achievement = achievements.data?.items.find((a) => a.id === chosen);
  const issuerName = issuers.data?.items.find((i) => i.id === achievement?.issuerId)?.name ?? 'your organisation';

  // Step 1: read the file here and show what would be sent; nothing leaves the browser yet.
  const check = async (event: FormEvent) => {
    event.preventDefault();
    setError(undefined);
    setFileProblem(undefined);
    setReview(undefined);
    // The last job's report is not this file's: a refused upload must not sit beside it.
    setJob(undefined);
    if (!file) {
      setFileProblem('Choose a CSV file: one row per learner, with an email (or did) column.');
      return;
    }
    const result = await reviewCsv(new Uint8Array(await file.arrayBuffer()), `“${file.name}”`);
    if (result.kind !== 'ready') setFileProblem(result.message);
    else if (result.rows === 0) setFileProblem(`“${file.name}” has a header but no rows: add one row per learner.`);
    else setReview(result);
  };

  // Step 2: the person saw the rows, the recipients and the e-mail; now it is sent, once.
  const sending = useSubmit(async () => {
    if (!file) return;
    setError(undefined);
    try {
      setJob(
        await api.request<BulkJob>('POST', `/api/v1/organisations/${organisationId}/bulk-issuances${query({ achievementId: chosen })}`, {
          raw: { body: file, contentType: 'text/csv' },
          headers: { 'x-file-name': encodeURIComponent(file.name) },
        }),
      );
      setReview(undefined);
    } catch (e) {
      setError(asApiError(e));
    }
  });

  const running = job !== undefined && !FINISHED.has(job.status);
  return (
    <Screen title="Bulk issue from CSV">
      <p className="intro">
        One row per learner. Columns: <code>email</code> (or <code>did</code>), and optionally <code>name</code>, <code>result</code>, <code>validFrom</code>,{' '}
        <code>validUntil</code>, <code>evidenceUrl</code>, <code>evidenceNarrative</code>. You see what will be sent before anything is. Rows with problems are listed by line
        and not issued; the others are. Uploading the same file again issues nothing twice.
      </p>
      <ErrorSummary error={error ?? achievements.error} title="The file was not accepted" />
      <form onSubmit={guarded(check)} noValidate className="form" aria-label="Bulk issue">
        <div className="grid">
          <AchievementSelect
            id="bulk-achievement"
            achievements={achievements.data?.items}
            value={chosen}
            onChange={(id) => {
              setAchievementId(id);
              setReview(undefined);
            }}
            error={error?.fieldMessage('/achievementId')}
          />
          <Field id="bulk-file" label="CSV file" hint="A spreadsheet saved as CSV, files up to 64 MB." error={fileProblem}>
            {(p) => (
              <input
                {...p}
                type="file"
                accept=".csv,text/csv"
                onChange={(e) => {
                  setFile(e.target.files?.[0]);
                  setReview(undefined);
                  setFileProblem(undefined);
                }}
              />
            )}
          </Field>
        </div>
        <button type="submit" className="primary" disabled={!chosen || running}>
          Review before issuing
        </button>
      </form>
      {review && file ? (
        <section className="bulk-review" aria-labelledby="review-title" data-testid="bulk-review">
          <h2 id="review-title">Check before sending</h2>
          <p data-testid="review-summary">
            {review.rows} {review.rows === 1 ? 'row' : 'rows'} in “{file.name}”: {review.recipients.length} {review.recipients.length === 1 ? 'learner' : 'learners'} will receive “
            {achievement?.name ?? 'the micro-credential'}”
            {review.emails ? `, ${review.emails === 1 ? 'one by e-mail' : `${review.emails} by e-mail`}` : ''}.
            {review.problems.length ? ` ${review.problems.length} ${review.problems.length === 1 ? 'row has a problem and will not be issued' : 'rows have problems and will not be issued'}.` : ''}
          </p>
          <div className="table-wrap">
            <table>
              <caption>Recipients{review.recipients.length > 10 ? ` (the first 10 of ${review.recipients.length})` : ''}</caption>
              <thead>
                <tr>
                  <th scope="col">Line</th>
                  <th scope="col">Recipient</th>
                  <th scope="col">Name</th>
                </tr>
              </thead>
              <tbody>
                {review.recipients.slice(0, 10).map((r) => (
                  <tr key={r.line}>
                    <td>{r.line}</td>
                    <td>{r.to}</td>
                    <td>{r.name ?? '—'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {review.problems.length ? (
            <ul aria-label="Rows with problems">
              {review.problems.slice(0, 10).map((p) => (
                <li key={p.line}>
                  Line {p.line}: {p.message}
                </li>
              ))}
            </ul>
          ) : null}
          {review.emails ? <MailPreview achievementName={achievement?.name ?? 'the micro-credential'} issuerName={issuerName} first={review.recipients.find((r) => !r.to.startsWith('did:'))} /> : null}
          <div className="button-row">
            <button type="button" className="primary" disabled={sending.pending} onClick={() => void sending.run()}>
              Issue {review.recipients.length} {review.recipients.length === 1 ? 'credential' : 'credentials'}
            </button>
            <button type="button" onClick={() => setReview(undefined)}>
              Cancel
            </button>
          </div>
        </section>
      ) : null}
      {job ? <JobProgress job={job} onUpdate={setJob} /> : null}
    </Screen>
  );
}

/** The claim e-mail the learners will get, made by the same function the server sends (claim-mail.ts). */
function MailPreview({ achievementName, issuerName, first }: { achievementName: string; issuerName: string; first: ReviewRecipient | undefined }) {
  if (!first) return null;
  const mail = claimMail({ organisationId: '', to: first.to, ...(first.name ? { recipientName: first.name } : {}), achievementName, issuerName, claimUrl: `${window.location.origin}/claim/…` });
  return (
    <details open data-testid="mail-preview">
      <summary>The e-mail they will get (as {first.name ?? first.to} will see it)</summary>
      <p>
        <strong>Subject:</strong> {mail.subject}
      </p>
      <pre className="message-body">{mail.text.replace('/claim/…', '/claim/(a personal link for each learner)')}</pre>
    </details>
  );
}

/** "line 1: the header has no…" → "Line 1: the header has no….": the server's reason as a sentence. */
function sentence(text: string): string {
  const capital = text.charAt(0).toUpperCase() + text.slice(1);
  return /[.!?]$/.test(capital) ? capital : `${capital}.`;
}

/** Follows a job until it finishes; the screen keeps the latest state (it enables the next upload). */
function JobProgress({ job, onUpdate }: { job: BulkJob; onUpdate(job: BulkJob): void }) {
  const { api } = useSession();
  const [error, setError] = useState<ApiError>();
  useEffect(() => {
    if (FINISHED.has(job.status)) return;
    let live = true;
    const timer = window.setTimeout(() => {
      api.get<BulkJob>(`/api/v1/bulk-issuances/${job.id}`).then(
        (next) => {
          if (live) onUpdate(next);
        },
        (e: unknown) => {
          if (live) setError(asApiError(e));
        },
      );
    }, POLL_MS);
    return () => {
      live = false;
      window.clearTimeout(timer);
    };
  }, [api, job, onUpdate]);

  const total = Math.max(job.totalRows, 1);
  const finished = FINISHED.has(job.status);
  const failed = job.status === 'failed';
  // A failed job says why once: the row report leaves out the message the failure already gives.
  const reported = job.errors
    .map((row) => ({ line: row.line, messages: row.messages.filter((message) => job.failure !== `line ${row.line}: ${message}`) }))
    .filter((row) => row.messages.length > 0);
  const heading = !finished ? 'Issuing…' : !failed ? 'Finished' : job.issued > 0 ? 'Stopped before the end' : 'Nothing was issued';
  return (
    <section className="card" aria-labelledby="job-title" data-testid="bulk-job">
      <h2 id="job-title">{heading}</h2>
      <ErrorSummary error={error} />
      {failed ? null : (
        <>
          <label htmlFor="job-progress">
            Progress: {job.processed} of {job.totalRows || '…'} rows
          </label>
          <progress id="job-progress" max={total} value={finished ? total : job.processed}>
            {job.processed} of {job.totalRows}
          </progress>
        </>
      )}
      <div role="status" aria-live="polite">
        {finished && !failed ? (
          <p data-testid="bulk-summary">
            {job.issued} issued, {job.invalidRows} {job.invalidRows === 1 ? 'row' : 'rows'} with problems, {job.skippedDuplicates} already issued earlier.
          </p>
        ) : null}
        {failed ? (
          <p data-testid="bulk-failure" className="field-error">
            {job.issued > 0 ? `${job.issued} issued before it stopped. ` : 'The file was not used. '}
            {sentence(job.failure ?? 'the job stopped')}
          </p>
        ) : null}
      </div>
      {job.errorCount !== undefined && job.errorCount > job.errors.length ? (
        <p>
          The first {job.errors.length} of {job.errorCount} rows with problems are listed.
        </p>
      ) : null}
      {reported.length ? (
        <div className="table-wrap">
          <table data-testid="bulk-report">
            <caption>Rows not issued — correct them and upload them again</caption>
            <thead>
              <tr>
                <th scope="col">Line</th>
                <th scope="col">Problem</th>
              </tr>
            </thead>
            <tbody>
              {reported.map((row) => (
                <tr key={row.line}>
                  <td>{row.line}</td>
                  <td>{row.messages.join(' ')}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {job.status === 'done' && job.invalidRows === 0 ? <Notice tone="success">Every row was valid.</Notice> : null}
    </section>
  );
}

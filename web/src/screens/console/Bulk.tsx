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
import type { Achievement, BulkJob } from '../../api-types.ts';

const POLL_MS = 500;
const FINISHED = new Set<BulkJob['status']>(['done', 'failed']);

/** Uploads a CSV as a background job, follows its progress, and shows the rows it refused, by line. */
export function BulkScreen() {
  const { organisationId } = useOrganisation();
  const { api } = useSession();
  const achievements = useApiQuery<{ items: Achievement[] }>(`/api/v1/organisations/${organisationId}/achievements`);
  const [achievementId, setAchievementId] = useState('');
  const [file, setFile] = useState<File>();
  const [error, setError] = useState<ApiError>();
  const [job, setJob] = useState<BulkJob>();
  const chosen = achievementId || achievements.data?.items[0]?.id || '';

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(undefined);
    // The last job's report is not this file's: a refused upload must not sit beside it.
    setJob(undefined);
    if (!file) {
      setError(asApiError(new Error('Choose a CSV file to upload.')));
      return;
    }
    try {
      setJob(
        await api.request<BulkJob>('POST', `/api/v1/organisations/${organisationId}/bulk-issuances${query({ achievementId: chosen })}`, {
          raw: { body: file, contentType: 'text/csv' },
          headers: { 'x-file-name': encodeURIComponent(file.name) },
        }),
      );
    } catch (e) {
      setError(asApiError(e));
    }
  };

  return (
    <Screen title="Bulk issue from CSV">
      <p className="intro">
        One row per learner. Columns: <code>email</code> (or <code>did</code>), and optionally <code>name</code>, <code>result</code>, <code>validFrom</code>,{' '}
        <code>validUntil</code>, <code>evidenceUrl</code>, <code>evidenceNarrative</code>. Rows with problems are listed by line and not issued; the others are. Uploading the same
        file again issues nothing twice.
      </p>
      <ErrorSummary error={error ?? achievements.error} title="The file was not accepted" />
      <form onSubmit={(e) => void submit(e)} noValidate className="form">
        <div className="grid">
          <AchievementSelect id="bulk-achievement" achievements={achievements.data?.items} value={chosen} onChange={setAchievementId} error={error?.fieldMessage('/achievementId')} />
          <Field id="bulk-file" label="CSV file">
            {(p) => <input {...p} type="file" accept=".csv,text/csv" onChange={(e) => setFile(e.target.files?.[0])} />}
          </Field>
        </div>
        <button type="submit" className="primary" disabled={!chosen || (job !== undefined && !FINISHED.has(job.status))}>
          Upload and issue
        </button>
      </form>
      {job ? <JobProgress job={job} onUpdate={setJob} /> : null}
    </Screen>
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

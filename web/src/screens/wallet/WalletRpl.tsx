import { useState } from 'react';
import type { FormEvent } from 'react';
import { asApiError } from '../../api.ts';
import type { ApiError } from '../../api.ts';
import { ErrorSummary } from '../../components/ErrorSummary.tsx';
import { Field } from '../../components/Field.tsx';
import { Notice } from '../../components/Notice.tsx';
import { RplEvidenceList } from '../../components/RplEvidenceList.tsx';
import { Screen } from '../../components/Screen.tsx';
import { formatDate } from '../../load.ts';
import { Link, useNavigate, useParams } from 'react-router';
import { useApiQuery } from '../../query.ts';
import { useSession } from '../../session.tsx';
import type { RplAchievement, RplCaseView as RplCase, RplOutcome } from '../../api-types.ts';
import { multipart } from '../../multipart.ts';
import { CASE_WORDS, OUTCOME_WORDS } from '../../recognition-words.ts';
import { guarded } from '../../submit.ts';

/** The learner's prior-learning cases, and opening one against an achievement. */
export function WalletRplScreen() {
  const { api } = useSession();
  const navigate = useNavigate();
  const cases = useApiQuery<{ items: RplCase[] }>('/api/v1/wallet/rpl-cases');
  const achievements = useApiQuery<{ items: RplAchievement[] }>('/api/v1/rpl/achievements');
  const [achievementId, setAchievementId] = useState('');
  const [error, setError] = useState<ApiError>();
  const chosen = achievements.data?.items.find((a) => a.achievementId === achievementId);
  const open = async (event: FormEvent) => {
    event.preventDefault();
    setError(undefined);
    try {
      const created = await api.post<RplCase>('/api/v1/wallet/rpl-cases', { achievementId });
      navigate(`/wallet/rpl/${created.id}`);
    } catch (e) {
      setError(asApiError(e));
    }
  };
  return (
    <Screen title="Prior learning" intro="Show what you already know, outcome by outcome, and an assessor may award the micro-credential.">
      <ErrorSummary error={cases.error ?? achievements.error} />
      <h2>My cases</h2>
      {cases.data?.items.length === 0 ? <Notice>No cases yet.</Notice> : null}
      {cases.data?.items.length ? (
        <ul>
          {cases.data.items.map((c) => (
            <li key={c.id}>
              <Link to={`/wallet/rpl/${c.id}`}>{c.achievementName}</Link> — {CASE_WORDS[c.status]}, updated {formatDate(c.updatedAt)}
            </li>
          ))}
        </ul>
      ) : null}
      <form onSubmit={guarded(open)} noValidate className="form" aria-labelledby="open-case-title">
        <h2 id="open-case-title">Open a case</h2>
        <ErrorSummary error={error} />
        <Field id="rpl-achievement" label="Micro-credential" required error={error?.fieldMessage('/achievementId')}>
          {(p) => (
            <select {...p} value={achievementId} onChange={(e) => setAchievementId(e.target.value)}>
              <option value="">Choose a micro-credential</option>
              {achievements.data?.items.map((a) => (
                <option key={a.achievementId} value={a.achievementId}>
                  {a.name} — {a.organisationName}
                </option>
              ))}
            </select>
          )}
        </Field>
        {chosen ? (
          <>
            <p>You will give evidence for each learning outcome:</p>
            <ol>
              {chosen.outcomes.map((o) => (
                <li key={o.id}>{o.statement}</li>
              ))}
            </ol>
          </>
        ) : null}
        <div className="button-row">
          <button type="submit" className="primary">
            Open case
          </button>
        </div>
      </form>
    </Screen>
  );
}

/** One case: evidence per outcome, submit, the assessor's feedback, resubmit after more was asked, withdraw. */
export function WalletRplCaseScreen() {
  const params = useParams();
  const { api } = useSession();
  const id = params.caseId ?? '';
  const base = `/api/v1/wallet/rpl-cases/${id}`;
  const loaded = useApiQuery<RplCase>(base);
  const [current, setCurrent] = useState<RplCase>();
  const [error, setError] = useState<ApiError>();
  const [message, setMessage] = useState<string>();
  const c = current ?? loaded.data;
  const run = async (action: () => Promise<RplCase>, done: string): Promise<boolean> => {
    setError(undefined);
    setMessage(undefined);
    try {
      setCurrent(await action());
      setMessage(done);
      return true;
    } catch (e) {
      setError(asApiError(e));
      return false;
    }
  };
  const editable = (o: RplOutcome) => c !== undefined && (c.status === 'draft' || c.status === 'in-review' || c.status === 'submitted') && (o.status === 'awaiting-evidence' || o.status === 'more-requested');
  const canSubmit = c && (c.status === 'draft' || c.outcomes.some((o) => o.status === 'more-requested'));
  const open = c && !['awarded', 'not-awarded', 'withdrawn'].includes(c.status);
  return (
    <Screen title={c ? `Prior learning: ${c.achievementName}` : 'Prior learning case'}>
      <p>
        <Link to="/wallet/rpl">All my cases</Link>
      </p>
      <ErrorSummary error={loaded.error ?? error} />
      {message ? <Notice tone="success">{message}</Notice> : null}
      {c ? (
        <>
          <p>
            Status: <strong data-testid="case-status">{CASE_WORDS[c.status]}</strong>
          </p>
          {c.decision?.result === 'awarded' ? (
            <Notice tone="success">
              <span data-testid="case-delivery">
                Awarded. <Delivery delivery={c.delivery} />
              </span>
            </Notice>
          ) : null}
          {c.decision?.feedback.length ? (
            <ul>
              {c.decision.feedback.map((f, i) => (
                <li key={i}>{f}</li>
              ))}
            </ul>
          ) : null}
          {c.outcomes.map((o, i) => (
            <OutcomeEvidence
              key={o.id}
              index={i}
              outcome={o}
              editable={editable(o)}
              fileUrl={(evidenceId) => `${base}/evidence/${evidenceId}/file`}
              onAdd={(body) =>
                run(
                  () => ('file' in body ? api.request<RplCase>('POST', `${base}/evidence`, { raw: multipart({ outcomeId: o.id, title: body.title, file: body.file }) }) : api.post<RplCase>(`${base}/evidence`, { outcomeId: o.id, evidence: body })),
                  'Evidence added.',
                )
              }
              onRemove={(evidenceId) => void run(() => api.delete<RplCase>(`${base}/evidence/${evidenceId}`), 'Evidence removed.')}
            />
          ))}
          <div className="button-row">
            {canSubmit ? (
              <button type="button" className="primary" onClick={() => void run(() => api.post<RplCase>(`${base}/submission`), 'Case submitted for review.')}>
                {c.status === 'draft' ? 'Submit for review' : 'Resubmit'}
              </button>
            ) : null}
            {open ? (
              <button type="button" className="danger" onClick={() => void run(() => api.post<RplCase>(`${base}/withdrawal`), 'Case withdrawn.')}>
                Withdraw case
              </button>
            ) : null}
          </div>
        </>
      ) : null}
    </Screen>
  );
}

type NewEvidence = { kind: 'link'; url: string; title?: string } | { kind: 'narrative'; text: string } | { file: File; title?: string };

function OutcomeEvidence(props: {
  index: number;
  outcome: RplOutcome;
  editable: boolean;
  fileUrl(id: string): string;
  onAdd(body: NewEvidence): Promise<boolean>;
  onRemove(evidenceId: string): void;
}) {
  const { index, outcome, editable, fileUrl, onAdd, onRemove } = props;
  const [kind, setKind] = useState<'narrative' | 'link' | 'file'>('narrative');
  const [text, setText] = useState('');
  const [url, setUrl] = useState('');
  const [title, setTitle] = useState('');
  const [file, setFile] = useState<File>();
  const [fileKey, setFileKey] = useState(0);
  const prefix = `outcome-${index}`;
  const feedback = outcome.reviews.filter((r) => r.feedback);
  const add = async (event: FormEvent) => {
    event.preventDefault();
    const body: NewEvidence | undefined =
      kind === 'narrative' ? { kind, text } : kind === 'link' ? { kind, url, ...(title ? { title } : {}) } : file ? { file, ...(title ? { title } : {}) } : undefined;
    if (!body) return;
    if (await onAdd(body)) {
      setText('');
      setUrl('');
      setTitle('');
      setFile(undefined);
      setFileKey((k) => k + 1);
    }
  };
  return (
    <section className="card wrap" aria-labelledby={`${prefix}-title`} data-testid="rpl-outcome">
      <h2 id={`${prefix}-title`}>
        Outcome {index + 1}: {outcome.statement}
      </h2>
      <p>
        Status: <strong>{OUTCOME_WORDS[outcome.status]}</strong>
      </p>
      {feedback.length ? (
        <div className="notice notice-warning">
          <p>Assessor’s feedback:</p>
          <ul>
            {feedback.map((r, i) => (
              <li key={i}>{r.feedback}</li>
            ))}
          </ul>
        </div>
      ) : null}
      <h3>Evidence</h3>
      <RplEvidenceList
        evidence={outcome.evidence}
        fileUrl={fileUrl}
        action={
          editable
            ? (e) => (
                <button type="button" className="small" onClick={() => onRemove(e.id)}>
                  Remove<span className="visually-hidden"> this evidence from outcome {index + 1}</span>
                </button>
              )
            : undefined
        }
      />
      {editable ? (
        <form onSubmit={guarded(add)} noValidate className="form" aria-label={`Add evidence for outcome ${index + 1}`}>
          <Field id={`${prefix}-kind`} label="Kind of evidence">
            {(p) => (
              <select {...p} value={kind} onChange={(e) => setKind(e.target.value as typeof kind)}>
                <option value="narrative">A narrative</option>
                <option value="link">A link</option>
                <option value="file">A file</option>
              </select>
            )}
          </Field>
          {kind === 'narrative' ? (
            <Field id={`${prefix}-text`} label="What you did and how it shows the outcome">
              {(p) => <textarea {...p} rows={4} value={text} onChange={(e) => setText(e.target.value)} />}
            </Field>
          ) : null}
          {kind === 'link' ? (
            <Field id={`${prefix}-url`} label="Link (https)">
              {(p) => <input {...p} type="url" value={url} onChange={(e) => setUrl(e.target.value)} />}
            </Field>
          ) : null}
          {kind === 'file' ? (
            <Field id={`${prefix}-file`} label="File" hint="PDF, PNG, JPEG or plain text, 5 MB at most.">
              {(p) => <input {...p} key={fileKey} type="file" accept="application/pdf,image/png,image/jpeg,text/plain" onChange={(e) => setFile(e.target.files?.[0])} />}
            </Field>
          ) : null}
          {kind !== 'narrative' ? (
            <Field id={`${prefix}-evidence-title`} label="Title (optional)">
              {(p) => <input {...p} value={title} onChange={(e) => setTitle(e.target.value)} />}
            </Field>
          ) : null}
          <button type="submit">
            Add evidence<span className="visually-hidden"> for outcome {index + 1}</span>
          </button>
        </form>
      ) : null}
    </section>
  );
}

/** Where the awarded credential really is, and what to do when it is not in the wallet yet. */
function Delivery({ delivery }: { delivery: RplCase['delivery'] }) {
  if (!delivery) return <>The micro-credential will be issued shortly.</>;
  if (delivery.inWallet) {
    return (
      <>
        The micro-credential is in your wallet: <Link to={`/wallet/credentials/${delivery.walletItemId}`}>open it</Link>.
      </>
    );
  }
  if (delivery.addressConfirmed) {
    return (
      <>
        The micro-credential is offered in your <Link to="/wallet">wallet</Link>: add it there.
      </>
    );
  }
  return (
    <>
      The micro-credential is not in your wallet yet: it was sent to <strong className="wrap">{delivery.sentTo}</strong> with a claim link. Open the link in that e-mail to add it,
      or confirm your address with the link we sent when you signed up; it is then offered in your <Link to="/wallet">wallet</Link>.
    </>
  );
}

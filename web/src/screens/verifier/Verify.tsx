import { useCallback, useEffect, useRef, useState } from 'react';
import type { FormEvent } from 'react';
import { asApiError } from '../../api.ts';
import type { ApiError } from '../../api.ts';
import { Checks, outcomeLabel } from '../../components/Checks.tsx';
import { DropZone } from '../../components/DropZone.tsx';
import { ErrorSummary } from '../../components/ErrorSummary.tsx';
import { Field } from '../../components/Field.tsx';
import { Notice } from '../../components/Notice.tsx';
import { Screen } from '../../components/Screen.tsx';
import { WalletRequest } from '../../components/WalletRequest.tsx';
import { createPresentationRequest, presentationRequestState } from '../../api/verifier.ts';
import { PublicLayout } from '../../components/WalletLayout.tsx';
import { useSession } from '../../session.tsx';
import { useSessionReady } from '../../session-ready.ts';
import { CREDENTIAL_FILES } from '../wallet/Import.tsx';
import type { PresentationRequestState, VerifyAnswer } from '../../api-types.ts';
import { formatDay, formatEcts } from '../../format.ts';
import { multipart } from '../../multipart.ts';

type Source = { kind: 'file'; file: File } | { kind: 'text'; text: string } | { kind: 'url'; url: string };

/** The public verifier: anyone drops a file, pastes text or gives an address and reads the outcome. */
export function VerifyScreen() {
  const { api } = useSession();
  const ready = useSessionReady();
  const [text, setText] = useState('');
  const [url, setUrl] = useState('');
  const [email, setEmail] = useState('');
  const [last, setLast] = useState<Source>();
  const [answer, setAnswer] = useState<VerifyAnswer>();
  const [error, setError] = useState<ApiError>();
  const [busy, setBusy] = useState(false);
  // Counts the answers, so a reader (or a test) can tell a new answer from the previous one.
  const [round, setRound] = useState(0);

  const verify = async (source: Source) => {
    setBusy(true);
    setError(undefined);
    setAnswer(undefined);
    setLast(source);
    const recipientEmail = email.trim() || undefined;
    try {
      await ready();
      const result =
        source.kind === 'file'
          ? await api.request<VerifyAnswer>('POST', '/api/v1/verify', { raw: multipart({ file: source.file, recipientEmail }) })
          : await api.post<VerifyAnswer>('/api/v1/verify', source.kind === 'text' ? { text: source.text, recipientEmail } : { url: source.url, recipientEmail });
      setAnswer(result);
      setRound((r) => r + 1);
    } catch (e) {
      setError(asApiError(e));
    } finally {
      setBusy(false);
    }
  };
  const paste = (event: FormEvent) => {
    event.preventDefault();
    void verify({ kind: 'text', text });
  };
  const fromUrl = (event: FormEvent) => {
    event.preventDefault();
    void verify({ kind: 'url', url });
  };
  const [walletIssuer, setWalletIssuer] = useState('');
  const askWallet = async () => {
    await ready();
    setAnswer(undefined);
    setError(undefined);
    return await createPresentationRequest(api, walletIssuer.trim() ? { issuerId: walletIssuer.trim() } : {});
  };
  const pollWallet = useCallback((handle: string) => presentationRequestState(api, handle), [api]);
  const walletAnswered = (state: PresentationRequestState) => {
    if (state.status !== 'answered' || !state.answer) return;
    setLast(undefined);
    setAnswer(state.answer);
    setRound((r) => r + 1);
  };
  const recheck = (event: FormEvent) => {
    event.preventDefault();
    if (last) void verify(last);
  };

  return (
    <PublicLayout wide>
      <Screen
        title="Verify a credential"
        intro="Check a digital credential: Open Badges 3.0 or 2.0, Verifiable Credentials (JSON or JWT), CLR 2.0, or a badge image (PNG or SVG). Nothing you check here is stored; an answer from a wallet is kept for a day so this page can show it, then deleted."
      >
        <form className="form narrow" onSubmit={recheck} aria-label="Recipient">
          <Field id="verify-email" label="Recipient’s e-mail address (optional)" hint="To check that the credential was issued to this person; compared with the credential’s hashed identity.">
            {(p) => <input {...p} type="email" value={email} onChange={(e) => setEmail(e.target.value)} autoComplete="off" />}
          </Field>
          {last ? <button type="submit">Check again with this address</button> : null}
        </form>

        <DropZone label="Credential file" hint="Drop a file here or choose one: JSON, JWT, PNG or SVG." accept={CREDENTIAL_FILES} onFile={(file) => void verify({ kind: 'file', file })} testId="verify-drop" />

        <details className="optional">
          <summary>Paste the credential instead</summary>
          <form className="form" onSubmit={paste}>
            <Field id="verify-text" label="Credential text" hint="JSON, or a JWT.">
              {(p) => <textarea {...p} rows={6} value={text} onChange={(e) => setText(e.target.value)} spellCheck={false} />}
            </Field>
            <button type="submit" disabled={busy || !text.trim()}>
              Verify pasted credential
            </button>
          </form>
        </details>
        <details className="optional">
          <summary>Give its address instead</summary>
          <form className="form" onSubmit={fromUrl}>
            <Field id="verify-url" label="Address (URL)" hint="A credential, a hosted Open Badges 2.0 assertion, or a share link.">
              {(p) => <input {...p} type="url" inputMode="url" value={url} onChange={(e) => setUrl(e.target.value)} placeholder="https://…" />}
            </Field>
            <button type="submit" disabled={busy || !url.trim()}>
              Verify from address
            </button>
          </form>
        </details>

        <section aria-labelledby="wallet-title" className="verify-wallet">
          <h2 id="wallet-title">Ask a wallet</h2>
          <p>Ask the holder to present an Open Badge from their wallet app (OpenID4VP): they scan a QR code, choose the credential and share it with you.</p>
          <details className="optional">
            <summary>Only from one issuer</summary>
            <Field id="wallet-issuer" label="Issuer (its DID or URL)" hint="Leave empty to accept an Open Badge from any issuer.">
              {(p) => <input {...p} type="text" value={walletIssuer} onChange={(e) => setWalletIssuer(e.target.value)} placeholder="did:web:…" spellCheck={false} />}
            </Field>
          </details>
          <WalletRequest create={askWallet} poll={pollWallet} onState={walletAnswered} startLabel="Ask a wallet for a credential" />
        </section>

        <ErrorSummary error={error} title="The credential could not be checked" />
        {busy ? <Notice>Verifying…</Notice> : null}
        {answer ? <VerifyResult answer={answer} round={round} /> : null}
      </Screen>
    </PublicLayout>
  );
}

function Worth({ worth, claimed }: { worth: NonNullable<VerifyAnswer['worth']>; claimed: boolean }) {
  const ects = formatEcts(worth.ects ?? worth.creditsEarned);
  const level = worth.eqfLevel ? `EQF level ${worth.eqfLevel}` : worth.level;
  if (!ects && !level && !worth.grade && !worth.outcomes?.length && !worth.skills?.length) return null;
  return (
    <div className={claimed ? 'claimed' : undefined} data-testid="worth-section">
      <h3>{claimed ? 'What the file claims it is worth' : 'What it is worth'}</h3>
      <dl className="facts" data-testid="worth">
        {ects ? (
          <>
            <dt>Credits</dt>
            <dd>{ects}</dd>
          </>
        ) : null}
        {level ? (
          <>
            <dt>Level</dt>
            <dd>{level}</dd>
          </>
        ) : null}
        {worth.grade ? (
          <>
            <dt>Grade</dt>
            <dd>{worth.grade}</dd>
          </>
        ) : null}
      </dl>
      {worth.outcomes?.length ? (
        <>
          <p className="small-head">Learning outcomes</p>
          <ul>
            {worth.outcomes.map((o, i) => (
              <li key={i}>{o}</li>
            ))}
          </ul>
        </>
      ) : null}
      {worth.skills?.length ? (
        <>
          <p className="small-head">Skills</p>
          <ul>
            {worth.skills.map((o, i) => (
              <li key={i}>{o}</li>
            ))}
          </ul>
        </>
      ) : null}
    </div>
  );
}

function VerifyResult({ answer, round }: { answer: VerifyAnswer; round: number }) {
  const ref = useRef<HTMLElement>(null);
  // The result appears below the inputs: it takes focus so it is read and scrolled to.
  useEffect(() => ref.current?.focus(), [answer]);
  // The signature failed: names, dates and credits are only what the file says, not the issuer's word.
  const claimed = answer.authentic === false;
  return (
    <section aria-labelledby="result-title" className="verify-result" data-testid="verify-result" data-round={round} tabIndex={-1} ref={ref}>
      <h2 id="result-title">Result</h2>
      <div className={answer.verified ? 'verdict verdict-ok' : 'verdict verdict-bad'} data-testid="verdict">
        <p>{answer.summary}</p>
      </div>
      {claimed ? (
        <p className="claims-note" data-testid="claims-note">
          The file claims the following, but its signature does not hold, so none of it is the issuer’s word.
        </p>
      ) : null}
      <dl className={claimed ? 'facts claimed' : 'facts'} data-testid="facts">
        <dt>{claimed ? 'Claimed achievement' : 'Achievement'}</dt>
        <dd className="wrap">{answer.achievement?.name ?? answer.name ?? '—'}</dd>
        <dt>{claimed ? 'Claimed issuer' : 'Issuer'}</dt>
        <dd className="wrap">
          {answer.issuer?.name ?? '—'}
          {answer.issuer?.id ? <div className="muted wrap">{answer.issuer.id}</div> : null}
        </dd>
        {answer.issuedAt ? (
          <>
            <dt>{claimed ? 'Claimed issue date' : 'Issued'}</dt>
            <dd>{formatDay(answer.issuedAt)}</dd>
          </>
        ) : null}
        {answer.validUntil ? (
          <>
            <dt>{claimed ? 'Claimed valid until' : 'Valid until'}</dt>
            <dd>{formatDay(answer.validUntil)}</dd>
          </>
        ) : null}
        {answer.recipient ? (
          <>
            <dt>Recipient</dt>
            <dd data-testid="recipient" className="wrap">
              <strong>{outcomeLabel(answer.recipient.outcome)}</strong>: {answer.recipient.message}
            </dd>
          </>
        ) : null}
        <dt>Kind</dt>
        <dd>{[answer.standard, answer.format, answer.container].filter(Boolean).join(' · ') || '—'}</dd>
      </dl>
      {answer.achievement?.description ? <p className={claimed ? 'claimed' : undefined}>{claimed ? 'The file claims: ' : null}{answer.achievement.description}</p> : null}
      {answer.achievement?.criteria ? (
        <p className={claimed ? 'claimed' : undefined}>
          <strong>{claimed ? 'Claimed criteria:' : 'Criteria:'}</strong> {answer.achievement.criteria}
        </p>
      ) : null}
      <h3>Checks</h3>
      <Checks checks={answer.checks} />
      {answer.worth ? <Worth worth={answer.worth} claimed={claimed} /> : null}
      {answer.credentials?.length ? (
        <>
          <h3>The credentials it holds</h3>
          <ol className="ordered">
            {answer.credentials.map((c, i) => (
              <li key={i}>
                <span className="item-name">
                  <strong>{c.name}</strong>
                  {c.issuer?.name ? <span className="muted"> · {c.issuer.name}</span> : null}
                  {c.summary ? <div>{c.summary}</div> : null}
                </span>
                {c.checks?.length ? (
                  <details open={answer.credentials!.length === 1}>
                    <summary>Checks of this credential</summary>
                    <Checks checks={c.checks} testId={`member-checks-${i}`} />
                  </details>
                ) : null}
              </li>
            ))}
          </ol>
        </>
      ) : null}
    </section>
  );
}

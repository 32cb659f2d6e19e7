import { useEffect, useRef, useState } from 'react';
import type { FormEvent } from 'react';
import { Link, useSearchParams } from 'react-router';
import { asApiError } from '../../api.ts';
import type { ApiError } from '../../api.ts';
import type { AuthorizationStart, ExternalOfferResult, OfferPreview, PresentationAnswer, RequestPreview } from '../../api-types.ts';
import { ErrorSummary } from '../../components/ErrorSummary.tsx';
import { Field, FieldSet } from '../../components/Field.tsx';
import { Notice } from '../../components/Notice.tsx';
import { Screen } from '../../components/Screen.tsx';
import { useSession } from '../../session.tsx';

/**
 * microcred's wallet with other organisations' wallets protocols (OpenID4VCI / OpenID4VP): paste an
 * issuer's credential offer to take it, or a verifier's presentation request to answer it. Each shows
 * first who asks and what, and does nothing until the learner confirms.
 */
export function ExchangeScreen() {
  return (
    <Screen
      title="Offers and requests from other organisations"
      intro="Another organisation can offer you a credential (an openid-credential-offer:// link or QR code) or ask you to show one (an openid4vp:// link). Paste the link here: you see who it is and what they offer or ask before anything happens."
    >
      <ReceiveOffer />
      <AnswerRequest />
    </Screen>
  );
}

/** One step of an exchange with another organisation: busy while it runs, its error kept for the form. */
function useExchangeStep() {
  const [error, setError] = useState<ApiError>();
  const [busy, setBusy] = useState(false);
  const run = async (work: () => Promise<void>) => {
    setBusy(true);
    setError(undefined);
    try {
      await work();
    } catch (e) {
      setError(asApiError(e));
    } finally {
      setBusy(false);
    }
  };
  return { run, busy, error };
}

function ReceiveOffer() {
  const { api } = useSession();
  const [offer, setOffer] = useState('');
  const [txCode, setTxCode] = useState('');
  const [preview, setPreview] = useState<OfferPreview>();
  const [result, setResult] = useState<ExternalOfferResult>();
  const { run, busy, error } = useExchangeStep();
  const read = (event: FormEvent) => {
    event.preventDefault();
    setPreview(undefined);
    setResult(undefined);
    void run(async () => setPreview(await api.post<OfferPreview>('/api/v1/wallet/openid4vci/offer-preview', { offer })));
  };
  const signIn = () => {
    void run(async () => {
      const started = await api.post<AuthorizationStart>('/api/v1/wallet/openid4vci/authorizations', { offer });
      window.location.assign(started.authorizationUrl);
    });
  };
  const accept = (event: FormEvent) => {
    event.preventDefault();
    if (preview?.grant === 'authorization_code') return signIn();
    void run(async () => setResult(await api.post<ExternalOfferResult>('/api/v1/wallet/openid4vci/offers', { offer, ...(preview?.txCode ? { txCode } : {}) })));
  };

  return (
    <section aria-labelledby="offer-heading" data-testid="offer-section">
      <h2 id="offer-heading">Receive a credential offer</h2>
      <ErrorSummary error={error} title="The offer was not taken" />
      {busy ? <Notice>Contacting the issuer…</Notice> : null}
      <form className="form" onSubmit={read}>
        <Field id="offer-link" label="Credential offer link" hint="Starts with openid-credential-offer://" error={error?.fieldMessage('/offer')}>
          {(p) => <textarea {...p} rows={3} value={offer} onChange={(e) => { setOffer(e.target.value); setPreview(undefined); setResult(undefined); }} spellCheck={false} />}
        </Field>
        <button type="submit" disabled={busy || !offer.trim()}>Read the offer</button>
      </form>
      {preview && !result ? (
        <form className="form" onSubmit={accept} data-testid="offer-preview">
          <p>
            <strong>{preview.issuerName ?? preview.credentialIssuer}</strong> ({preview.credentialIssuer}) offers you:
          </p>
          <ul>
            {preview.credentials.map((c) => (
              <li key={c.configurationId}>
                {c.name ?? c.configurationId} <span className="hint">({c.format ?? 'unknown format'}{c.supported ? '' : ', which this wallet cannot keep'})</span>
              </li>
            ))}
          </ul>
          {preview.grant === 'authorization_code' ? (
            <p>The issuer asks you to sign in on its own site first; it then sends you back here and the credential is added.</p>
          ) : null}
          {preview.txCode ? (
            <Field
              id="offer-tx-code" label="Transaction code"
              hint={preview.txCode.description ?? `The issuer sent you this code separately${preview.txCode.length ? ` (${preview.txCode.length} characters)` : ''}.`}
              error={error?.fieldMessage('/txCode')} required
            >
              {(p) => <input {...p} inputMode={preview.txCode?.inputMode === 'numeric' ? 'numeric' : 'text'} autoComplete="one-time-code" value={txCode} onChange={(e) => setTxCode(e.target.value)} />}
            </Field>
          ) : null}
          <button type="submit" disabled={busy || preview.grant === null || (preview.grant === 'pre-authorized_code' && preview.txCode !== null && !txCode.trim())}>
            {preview.grant === 'authorization_code' ? 'Sign in at the issuer' : 'Add to my wallet'}
          </button>
        </form>
      ) : null}
      {result ? (
        <div data-testid="offer-result">
          <Notice tone="success">
            {result.items.length === 1 ? 'One credential' : `${result.items.length} credentials`} from {result.offer.issuerName ?? result.offer.credentialIssuer} in your wallet.
          </Notice>
          <ul>
            {result.items.map((entry) => (
              <li key={entry.item.id}>
                <Link to={`/wallet/credentials/${entry.item.id}`}>{entry.item.name}</Link> — {entry.item.status}
                {entry.duplicate ? ' (already in your wallet)' : ''}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
    </section>
  );
}

function AnswerRequest() {
  const { api } = useSession();
  const [request, setRequest] = useState('');
  const [preview, setPreview] = useState<RequestPreview>();
  const [chosen, setChosen] = useState<string[]>([]);
  const [answer, setAnswer] = useState<PresentationAnswer>();
  const { run, busy, error } = useExchangeStep();
  const read = (event: FormEvent) => {
    event.preventDefault();
    setPreview(undefined);
    setAnswer(undefined);
    void run(async () => {
      const asked = await api.post<RequestPreview>('/api/v1/wallet/openid4vp/request-preview', { request });
      setPreview(asked);
      setChosen(asked.credentials.flatMap((c) => (c.matches[0] ? [c.matches[0].id] : [])));
    });
  };
  const send = (event: FormEvent) => {
    event.preventDefault();
    void run(async () => {
      const answered = await api.post<PresentationAnswer>('/api/v1/wallet/openid4vp/responses', { request, credentialIds: chosen });
      setAnswer(answered);
      // OpenID4VP 1.0 §8.2: when the verifier returns a redirect_uri, the wallet sends the learner there.
      if (answered.outcome.accepted && answered.outcome.redirectUri) window.location.assign(answered.outcome.redirectUri);
    });
  };
  const toggle = (id: string, on: boolean) => setChosen((current) => (on ? [...current, id] : current.filter((x) => x !== id)));

  return (
    <section aria-labelledby="request-heading" data-testid="request-section">
      <h2 id="request-heading">Answer a request to show a credential</h2>
      <ErrorSummary error={error} title="The request was not answered" />
      {busy ? <Notice>Contacting the verifier…</Notice> : null}
      <form className="form" onSubmit={read}>
        <Field id="request-link" label="Presentation request link" hint="Starts with openid4vp://" error={error?.fieldMessage('/request')}>
          {(p) => <textarea {...p} rows={3} value={request} onChange={(e) => { setRequest(e.target.value); setPreview(undefined); setAnswer(undefined); }} spellCheck={false} />}
        </Field>
        <button type="submit" disabled={busy || !request.trim()}>Read the request</button>
      </form>
      {preview && !answer ? (
        <form className="form" onSubmit={send} data-testid="request-preview">
          <p>
            <strong>{preview.verifierName ?? 'A verifier'}</strong> ({preview.clientId}) asks to see credentials. Your answer goes to {preview.responseUri}.
            {preview.verifierName ? ' The name is the one the verifier gives itself.' : ''}
          </p>
          {preview.credentials.map((c) => (
            <FieldSet
              key={c.queryId} id={`query-${c.queryId}`}
              legend={`Asked for: ${c.types.map((t) => t.join(' + ')).join(' or ') || 'a credential'} (${c.format})`}
              error={error?.fieldMessage('/credentialIds')}
            >
              {c.matches.length === 0 ? <p>{c.supported ? 'None of your credentials matches.' : 'This wallet cannot present this kind of credential.'}</p> : null}
              {c.matches.map((m) => (
                <div key={m.id} className="checkbox">
                  <input type="checkbox" id={`present-${c.queryId}-${m.id}`} checked={chosen.includes(m.id)} onChange={(e) => toggle(m.id, e.target.checked)} />
                  <label htmlFor={`present-${c.queryId}-${m.id}`}>{m.name}{m.issuerName ? ` — ${m.issuerName}` : ''} ({m.status})</label>
                </div>
              ))}
            </FieldSet>
          ))}
          <button type="submit" disabled={busy || chosen.length === 0}>Share the chosen credentials</button>
        </form>
      ) : null}
      {answer ? (
        <div data-testid="request-outcome">
          {answer.outcome.accepted ? (
            <Notice tone="success">
              {answer.request.verifierName ?? answer.request.clientId} received your presentation.
              {answer.outcome.redirectUri ? <> Taking you back to the verifier… <a href={answer.outcome.redirectUri}>Continue at the verifier</a></> : null}
            </Notice>
          ) : (
            <Notice tone="warning">The verifier did not accept the presentation: {answer.outcome.error ?? `it answered ${answer.outcome.status}`}.</Notice>
          )}
        </div>
      ) : null}
    </section>
  );
}

/**
 * Where another issuer's authorization server sends the learner back (authorization code flow): the code
 * and state are handed to the server once, and the credentials it took are shown.
 */
export function ExchangeCallbackScreen() {
  const { api } = useSession();
  const [params] = useSearchParams();
  const [result, setResult] = useState<ExternalOfferResult>();
  const [error, setError] = useState<ApiError>();
  const sent = useRef(false);
  const code = params.get('code');
  const state = params.get('state');
  const refused = params.get('error');

  useEffect(() => {
    if (sent.current || !code || !state) return;
    sent.current = true;
    api.post<ExternalOfferResult>('/api/v1/wallet/openid4vci/authorizations/callback', { code, state }).then(setResult, (e: unknown) => setError(asApiError(e)));
  }, [api, code, state]);

  return (
    <Screen title="Back from the issuer">
      <ErrorSummary error={error} title="The credential was not added" />
      {refused ? <Notice tone="warning">The issuer did not give the credential ({refused}).</Notice> : null}
      {!refused && (!code || !state) ? <Notice tone="warning">The issuer sent you back without a sign-in result.</Notice> : null}
      {code && state && !result && !error ? <Notice>Taking the credential…</Notice> : null}
      {result ? (
        <div data-testid="offer-result">
          <Notice tone="success">
            {result.items.length === 1 ? 'One credential' : `${result.items.length} credentials`} from {result.offer.issuerName ?? result.offer.credentialIssuer} in your wallet.
          </Notice>
          <ul>
            {result.items.map((entry) => (
              <li key={entry.item.id}>
                <Link to={`/wallet/credentials/${entry.item.id}`}>{entry.item.name}</Link> — {entry.item.status}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      <p>
        <Link to="/wallet/exchange">Back to offers and requests</Link>
      </p>
    </Screen>
  );
}

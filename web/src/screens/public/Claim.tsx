import { useEffect, useState } from 'react';
import { asApiError } from '../../api.ts';
import type { ApiError } from '../../api.ts';
import { ErrorSummary } from '../../components/ErrorSummary.tsx';
import { Notice } from '../../components/Notice.tsx';
import { Screen } from '../../components/Screen.tsx';
import { PublicLayout } from '../../components/WalletLayout.tsx';
import { Link, useNavigate, useParams } from 'react-router';
import { useApiQuery } from '../../query.ts';
import { useSession } from '../../session.tsx';
import type { ClaimOfferLink, ClaimPreview, ObPushStarted } from '../../api-types.ts';
import { claim as claimCredential } from '../../api/wallet.ts';
import { formatDay } from '../../format.ts';
import { AddToLcw } from './ClaimLcw.tsx';
import { SigninForm, SignupForm } from './Signup.tsx';
import type { FormEvent } from 'react';
import { guarded } from '../../submit.ts';

/**
 * Sends the credential to the learner's wallet on another Open Badges 3.0 host: the issuer registers
 * there and sends her to consent; she comes back to a page that says whether it arrived.
 */
function SendElsewhere({ token }: { token: string }) {
  const { api } = useSession();
  const [hostUrl, setHostUrl] = useState('');
  const [error, setError] = useState<ApiError>();
  const [busy, setBusy] = useState(false);
  const send = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const started = await api.post<ObPushStarted>(`/api/v1/claim/${encodeURIComponent(token)}/ob-push`, { hostUrl });
      window.location.assign(started.authorizationUrl);
    } catch (e) {
      setError(asApiError(e));
      setBusy(false);
    }
  };
  return (
    <section aria-labelledby="elsewhere-title">
      <h2 id="elsewhere-title">Or keep it in another wallet</h2>
      <p className="muted">If your wallet, backpack or portfolio speaks Open Badges 3.0, give its address: you will sign in there and allow the credential to be added.</p>
      <ErrorSummary error={error} title="The credential was not sent" />
      <form className="filters" onSubmit={guarded(send)} aria-label="Send to another wallet">
        <label htmlFor="host-url">Address of your wallet</label>
        <input id="host-url" type="url" value={hostUrl} onChange={(e) => setHostUrl(e.target.value)} placeholder="https://wallet.example" required />
        <button type="submit" disabled={busy || !hostUrl.trim()}>
          {busy ? 'Sending you there…' : 'Send it there'}
        </button>
      </form>
    </section>
  );
}

/**
 * OpenID4VCI (issue 12): the claim as a Credential Offer for a wallet app the learner carries. On a
 * phone the link opens the wallet; on a computer the wallet scans the QR code. No account is needed:
 * the credential goes to the wallet bound to its key, and this claim link is then used.
 */
function OfferToWalletApp({ token }: { token: string }) {
  const offer = useApiQuery<ClaimOfferLink>(`/api/v1/claim/${encodeURIComponent(token)}/credential-offer-link`);
  if (!offer.data) return null;
  return (
    <section aria-labelledby="wallet-app-title" data-testid="credential-offer">
      <h2 id="wallet-app-title">Or take it into a wallet app</h2>
      <p className="muted">
        With a wallet app that speaks OpenID for Verifiable Credential Issuance, scan this code or open the link on your phone. You need no account here; once your wallet has it, this link cannot be used again.
      </p>
      <img src={`/api/v1/claim/${encodeURIComponent(token)}/credential-offer/qr.svg`} alt="QR code of the credential offer: scan it with your wallet app" width={240} height={240} />
      <p>
        <a href={offer.data.link}>Open in my wallet app</a>
      </p>
    </section>
  );
}

/** The claim link from the e-mail: what it is, then sign in or sign up, then add it to the wallet. */
export function ClaimScreen() {
  const params = useParams();
  const token = params.token ?? '';
  const { api, me, refresh } = useSession();
  const navigate = useNavigate();
  const [checked, setChecked] = useState(false);
  const [mode, setMode] = useState<'signup' | 'signin'>('signup');
  const [error, setError] = useState<ApiError>();
  const [busy, setBusy] = useState(false);
  const preview = useApiQuery<ClaimPreview>(`/api/v1/claim/${encodeURIComponent(token)}`);

  useEffect(() => {
    if (me) {
      setChecked(true);
      return;
    }
    void refresh().then(() => setChecked(true));
    // Only once: refresh() sets `me` when a session exists.
  }, []);

  const claim = async () => {
    setBusy(true);
    setError(undefined);
    try {
      const { item } = await claimCredential(api, token);
      navigate(`/wallet/credentials/${item.id}?claimed=1`);
    } catch (e) {
      setError(asApiError(e));
    } finally {
      setBusy(false);
    }
  };

  const p = preview.data;
  const name = p?.achievementName ?? 'A credential';
  return (
    <PublicLayout>
      <Screen title="Claim your credential">
        <ErrorSummary error={preview.error} title="This claim link does not work" />
        {p ? (
          <div className="card" data-testid="claim-preview">
            <h2>{name}</h2>
            <dl className="facts">
              <dt>Issued by</dt>
              <dd>{p.issuerName ?? '—'}</dd>
              <dt>Issued on</dt>
              <dd>{formatDay(p.issuedAt)}</dd>
            </dl>
            {p.status && p.status !== 'active' ? <Notice tone="warning">The issuer has {p.status} this credential.</Notice> : null}
            {p.walletItemId ? (
              <Notice tone="success">
                This credential is in your wallet. <Link to={`/wallet/credentials/${p.walletItemId}`}>Open it in your wallet</Link>
              </Notice>
            ) : p.claimed && checked && me ? (
              <Notice tone="warning">
                This credential has already been claimed by another account. If it was you, sign out and sign in with the account you claimed it with.
              </Notice>
            ) : p.claimed ? (
              <Notice tone="warning">This credential has already been claimed. If it was you, sign in and open your wallet.</Notice>
            ) : null}
          </div>
        ) : null}
        <ErrorSummary error={error} title="The credential was not added" />
        {p && checked && me && !p.claimed && !p.walletItemId ? (
          <>
            <p>
              You are signed in as <strong className="wrap">{me.user.email}</strong>.
            </p>
            <button type="button" className="primary" disabled={busy} onClick={() => void claim()}>
              {busy ? 'Adding…' : 'Add to my wallet'}
            </button>
          </>
        ) : null}
        {p && checked && !me ? (
          <>
            <p>To keep it, create a free wallet or sign in to yours.</p>
            <div className="tabs" role="group" aria-label="Account">
              <button type="button" aria-pressed={mode === 'signup'} onClick={() => setMode('signup')}>
                Create an account
              </button>
              <button type="button" aria-pressed={mode === 'signin'} onClick={() => setMode('signin')}>
                I have an account
              </button>
            </div>
            {mode === 'signup' ? <SignupForm onDone={() => void claim()} /> : <SigninForm onDone={() => void claim()} />}
          </>
        ) : null}
        {p && (!p.claimed || p.walletItemId) && p.status === 'active' ? <AddToLcw token={token} /> : null}
        {p && checked && !p.claimed && p.status !== 'revoked' ? <SendElsewhere token={token} /> : null}
        {p && !p.claimed && p.status === 'active' ? <OfferToWalletApp token={token} /> : null}
        {preview.isFetching && !p ? <Notice>Loading…</Notice> : null}
      </Screen>
    </PublicLayout>
  );
}

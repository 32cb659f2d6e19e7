import { useEffect, useState } from 'react';
import { asApiError } from '../../api.ts';
import type { ApiError } from '../../api.ts';
import type { VcApiExchange } from '../../api-types.ts';
import { ErrorSummary } from '../../components/ErrorSummary.tsx';
import { Notice } from '../../components/Notice.tsx';
import { useSession } from '../../session.tsx';

/** How often the page asks whether the wallet has taken the credential (a person is watching). */
const POLL_MS = 3000;

/**
 * Takes the claim into the DCC Learner Credential Wallet: makes a VC-API exchange for the claim link
 * (no account needed) and shows its deep link (a tap on the phone that has the wallet) and its QR
 * code (to scan from another screen). Says so once the wallet has received the credential.
 */
export function AddToLcw({ token, onTaken }: { token: string; onTaken?: () => void }) {
  const { api } = useSession();
  const [exchange, setExchange] = useState<VcApiExchange>();
  const [error, setError] = useState<ApiError>();
  const [busy, setBusy] = useState(false);

  const start = async () => {
    setBusy(true);
    setError(undefined);
    try {
      setExchange(await api.post<VcApiExchange>('/workflows/claim/exchanges', { variables: { claimToken: token } }));
    } catch (e) {
      setError(asApiError(e));
    } finally {
      setBusy(false);
    }
  };

  const id = exchange?.exchangeId;
  const done = exchange?.state === 'complete';
  useEffect(() => {
    if (!id || done) return;
    const timer = window.setInterval(() => {
      void api.get<VcApiExchange>(`/workflows/claim/exchanges/${encodeURIComponent(id)}`).then((now) => {
        setExchange(now);
        if (now.state === 'complete') onTaken?.();
      }).catch(() => { /* the next tick tries again */ });
    }, POLL_MS);
    return () => window.clearInterval(timer);
  }, [id, done]);

  return (
    <section aria-labelledby="lcw-title" data-testid="claim-lcw">
      <h2 id="lcw-title">Add to Learner Credential Wallet</h2>
      <p className="muted">
        The Learner Credential Wallet is a free app for phones. It receives the credential made out to your wallet&apos;s own identifier; no account here is needed.
      </p>
      <ErrorSummary error={error} title="The wallet link could not be made" />
      {done ? (
        <Notice tone="success">The credential is in your Learner Credential Wallet.</Notice>
      ) : exchange ? (
        <div className="card">
          <p>
            <a className="button primary" href={exchange.lcwRequestUrl} data-testid="lcw-link">
              Open in Learner Credential Wallet
            </a>
          </p>
          <p>Or scan this code with the wallet on your phone:</p>
          <img className="qr" src={`/workflows/claim/exchanges/${encodeURIComponent(exchange.exchangeId)}/lcw-qr.svg`} alt="QR code that opens this credential in the Learner Credential Wallet" width={160} height={160} />
          <p className="muted">The link and the code work once, until {new Date(exchange.expires).toLocaleTimeString()}.</p>
        </div>
      ) : (
        <button type="button" disabled={busy} onClick={() => void start()}>
          {busy ? 'Preparing…' : 'Add to Learner Credential Wallet'}
        </button>
      )}
    </section>
  );
}

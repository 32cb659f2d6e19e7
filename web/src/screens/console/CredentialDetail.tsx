import { useState } from 'react';
import type { FormEvent } from 'react';
import { Link, useParams } from 'react-router';
import { asApiError } from '../../api.ts';
import type { ApiError } from '../../api.ts';
import type { CredentialHistory, IssuedCredential, StaffOffer } from '../../api-types.ts';
import { ErrorSummary } from '../../components/ErrorSummary.tsx';
import { Field } from '../../components/Field.tsx';
import { Notice } from '../../components/Notice.tsx';
import { Screen } from '../../components/Screen.tsx';
import { StatusBadge } from '../../components/StatusBadge.tsx';
import { formatDate } from '../../load.ts';
import { useApiQuery } from '../../query.ts';
import { useSession } from '../../session.tsx';
import { guarded } from '../../submit.ts';

/** What each recorded event means, in words. */
const EVENTS: Record<string, string> = {
  'credential.issue': 'Issued',
  'credential.claim': 'Claimed by the recipient',
  'credential.revoke': 'Revoked',
  'credential.suspend': 'Suspended',
  'credential.reinstate': 'Reinstated',
  'credential.renew': 'Renewed',
  'credential.resend-claim': 'Claim e-mail sent again',
  'credential.message': 'Status message changed',
};

const eventLabel = (action: string) => EVENTS[action] ?? action.replace(/^credential\./, '').replaceAll(/[.-]/g, ' ');

/**
 * One issued credential as its issuer sees it: recipient, where it is on its way (claimed, waiting,
 * offered), every status change with who and when, and what can be done with it now.
 */
export function CredentialDetailScreen() {
  const { id = '' } = useParams();
  const { api } = useSession();
  const credential = useApiQuery<IssuedCredential>(`/api/v1/credentials/${encodeURIComponent(id)}`);
  const history = useApiQuery<CredentialHistory>(`/api/v1/credentials/${encodeURIComponent(id)}/history`);
  const [error, setError] = useState<ApiError>();
  const [done, setDone] = useState<string>();
  const [busy, setBusy] = useState(false);
  const [confirming, setConfirming] = useState<'revoke' | 'suspend'>();
  const [reason, setReason] = useState('');
  const c = credential.data;
  const act = async (path: string, message: string, body: object = {}) => {
    if (busy) return;
    setBusy(true);
    setError(undefined);
    setDone(undefined);
    try {
      const answer = await api.post<IssuedCredential | { sentTo: string }>(`/api/v1/credentials/${encodeURIComponent(id)}/${path}`, body);
      setDone('sentTo' in answer ? `${message} ${answer.sentTo}.` : message);
      setConfirming(undefined);
      setReason('');
      void credential.refetch();
      void history.refetch();
    } catch (e) {
      setError(asApiError(e));
    } finally {
      setBusy(false);
    }
  };
  const confirm = (event: FormEvent) => {
    event.preventDefault();
    if (confirming === 'revoke') void act('revoke', 'The credential is revoked.', { reason });
    else void act('suspend', 'The credential is suspended.', reason ? { reason } : {});
  };
  const who = c ? c.recipient.name || c.recipient.email || c.recipient.did || '—' : '';
  const delivery = history.data?.delivery;
  return (
    <Screen title={c ? (c.achievementName ?? 'Credential') : 'Credential'}>
      <p>
        <Link to="/console/credentials">All credentials</Link>
      </p>
      <ErrorSummary error={credential.error ?? history.error} />
      {!c && !credential.error ? <Notice>Loading…</Notice> : null}
      {c ? (
        <>
          <dl className="facts" data-testid="credential-facts">
            <dt>Recipient</dt>
            <dd className="wrap">
              {who}
              {c.recipient.name && c.recipient.email ? <div className="muted">{c.recipient.email}</div> : null}
              {c.recipient.did ? <div className="muted">{c.recipient.did}</div> : null}
            </dd>
            <dt>Delivery</dt>
            <dd>
              {delivery === 'claimed'
                ? `Claimed${c.claimedAt ? ` on ${formatDate(c.claimedAt)}` : ''}`
                : delivery === 'pending'
                  ? `Waiting to be claimed: a claim link was e-mailed to ${c.recipient.email ?? 'the recipient'}`
                  : delivery === 'offered'
                    ? 'Offered without e-mail (to a DID or through a wallet)'
                    : '…'}
            </dd>
            <dt>Status</dt>
            <dd>
              <StatusBadge status={c.status} />
              {c.statusReason ? <span className="muted"> {c.statusReason}</span> : null}
            </dd>
            <dt>Issued</dt>
            <dd>{formatDate(c.issuedAt)}</dd>
            {c.validUntil ? (
              <>
                <dt>Valid until</dt>
                <dd>{formatDate(c.validUntil)}</dd>
              </>
            ) : null}
            <dt>Public record</dt>
            <dd>
              <a href={c.credentialId} className="wrap">
                The credential as issued
              </a>
            </dd>
          </dl>

          <section aria-labelledby="credential-actions">
            <h2 id="credential-actions">Actions</h2>
            {done ? <Notice tone="success">{done}</Notice> : null}
            <ErrorSummary error={error} title="Nothing was changed" />
            <div className="actions">
              {delivery === 'pending' && c.status === 'active' ? (
                <button type="button" disabled={busy} onClick={() => void act('resend-claim', 'The claim e-mail was sent again to')}>
                  Send the claim e-mail again
                </button>
              ) : null}
              {c.status === 'active' ? (
                <button type="button" className="danger" aria-expanded={confirming === 'revoke'} onClick={() => setConfirming('revoke')}>
                  Revoke
                </button>
              ) : null}
              {c.status === 'active' && c.suspendable ? (
                <button type="button" aria-expanded={confirming === 'suspend'} onClick={() => setConfirming('suspend')}>
                  Suspend
                </button>
              ) : null}
              {c.status === 'suspended' ? (
                <button type="button" disabled={busy} onClick={() => void act('reinstate', 'The credential is valid again.')}>
                  Reinstate
                </button>
              ) : null}
              {c.status !== 'revoked' ? (
                <button type="button" disabled={busy} onClick={() => void act('renew', 'A renewed credential was issued to the same recipient.')}>
                  Renew
                </button>
              ) : null}
            </div>
            {confirming ? (
              <form onSubmit={confirm} className="form narrow" aria-label={confirming === 'revoke' ? 'Confirm revocation' : 'Confirm suspension'}>
                <Field
                  id="status-reason"
                  label={confirming === 'revoke' ? 'Reason for revoking (final: it cannot be undone)' : 'Reason for suspending (optional)'}
                  required={confirming === 'revoke'}
                  error={error?.fieldMessage('/reason')}
                >
                  {(p) => <input {...p} value={reason} onChange={(e) => setReason(e.target.value)} />}
                </Field>
                <button type="submit" className={confirming === 'revoke' ? 'danger' : 'primary'} disabled={busy}>
                  Confirm {confirming === 'revoke' ? 'revocation' : 'suspension'}
                </button>{' '}
                <button type="button" onClick={() => setConfirming(undefined)}>
                  Cancel
                </button>
              </form>
            ) : null}
          </section>

          {delivery === 'pending' && c.status === 'active' ? <WalletOffer credentialId={id} /> : null}

          <section aria-labelledby="credential-history">
            <h2 id="credential-history">History</h2>
            <ol className="history" data-testid="credential-history">
              {history.data?.events.map((event, i) => (
                <li key={`${event.at}-${i}`}>
                  <strong>{eventLabel(event.action)}</strong> — {formatDate(event.at)}, by {event.by}
                  {event.reason ? <div className="muted">Reason: {event.reason}</div> : null}
                </li>
              ))}
            </ol>
          </section>
        </>
      ) : null}
    </Screen>
  );
}

/**
 * "Offer to a wallet app": an OpenID4VCI Credential Offer by value (POST /credentials/{id}/credential-offer)
 * for a learner who takes the credential into her own wallet app, as a QR code and an
 * openid-credential-offer:// link; with a transaction code (the default) shown here once, for the
 * issuer to give by another channel than the link.
 */
function WalletOffer({ credentialId }: { credentialId: string }) {
  const { api } = useSession();
  const [withCode, setWithCode] = useState(true);
  const [offer, setOffer] = useState<StaffOffer>();
  const [error, setError] = useState<ApiError>();
  const submit = guarded(async () => {
    setError(undefined);
    try {
      setOffer(await api.post<StaffOffer>(`/api/v1/credentials/${encodeURIComponent(credentialId)}/credential-offer`, { txCode: withCode }));
    } catch (e) {
      setError(asApiError(e));
    }
  });
  return (
    <section aria-labelledby="wallet-offer" data-testid="wallet-offer">
      <h2 id="wallet-offer">Offer to a wallet app</h2>
      <p>The learner can take this credential straight into a wallet app that supports OpenID4VCI, without the claim e-mail or a microcred account.</p>
      <ErrorSummary error={error} title="No offer was made" />
      <form onSubmit={submit} className="form narrow" aria-label="Offer to a wallet app">
        <label className="choice">
          <input type="checkbox" checked={withCode} onChange={(e) => setWithCode(e.target.checked)} /> With a transaction code (recommended)
        </label>
        <button type="submit" className="primary">
          {offer ? 'Make a new offer' : 'Make the offer'}
        </button>
      </form>
      {offer ? (
        <div className="offer" data-testid="wallet-offer-result">
          <img className="qr" src={`data:image/svg+xml;charset=utf-8,${encodeURIComponent(offer.qr)}`} alt="QR code of the credential offer: scan it with your wallet app" width={240} height={240} />
          <p>
            <a href={offer.link}>Open in a wallet app</a> (on the learner&apos;s phone), or let the learner scan the QR code.
          </p>
          {offer.txCode ? (
            <>
              <p>
                Transaction code: <strong data-testid="wallet-offer-code" className="code">{offer.txCode}</strong>
              </p>
              <Notice>
                Give this code to the learner by another channel than the link or QR code: by phone or in person. It is shown only now; the wallet app asks for it, and
                five wrong codes end the offer.
              </Notice>
            </>
          ) : null}
          <p className="muted">The offer works once, until {formatDate(offer.expiresAt)} (a week), or until the credential is claimed another way.</p>
        </div>
      ) : null}
    </section>
  );
}

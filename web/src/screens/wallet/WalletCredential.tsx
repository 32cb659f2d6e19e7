import { useState } from 'react';
import type { FormEvent } from 'react';
import { asApiError } from '../../api.ts';
import type { ApiError } from '../../api.ts';
import { CertifiedFacts, checkCounts, TechnicalDetails } from '../../components/CertifiedFacts.tsx';
import { Checks } from '../../components/Checks.tsx';
import { ErrorSummary } from '../../components/ErrorSummary.tsx';
import { Field } from '../../components/Field.tsx';
import { Notice } from '../../components/Notice.tsx';
import { Screen } from '../../components/Screen.tsx';
import { STATUS_HELP, WalletStatusBadge } from '../../components/WalletStatusBadge.tsx';
import { formatDate, useLoad } from '../../load.ts';
import { Link, useLocation, useParams } from 'react-router';
import { useSession } from '../../session.tsx';
import { getWalletCredential } from '../../api/wallet.ts';
import type { Share, WalletStatus } from '../../api-types.ts';
import { formatDay } from '../../format.ts';
import { BadgeImage } from './Wallet.tsx';
import { guarded } from '../../submit.ts';

/** The outcome of the last verification in one sentence. */
function verdict(status: string): string {
  switch (status) {
    case 'verified':
      return 'This credential is genuine and valid: every check passed.';
    case 'revoked':
      return 'The issuer has revoked this credential.';
    case 'suspended':
      return 'The issuer has suspended this credential.';
    case 'expired':
      return 'This credential has expired.';
    case 'invalid':
      return 'This credential does not verify: its signature or structure does not hold.';
    default:
      return 'This credential could not be fully checked.';
  }
}

/** One credential of the wallet: what it is, every check in words, sharing, downloads. */
export function WalletCredentialScreen() {
  const params = useParams();
  const id = params.id ?? '';
  const { api } = useSession();
  const location = useLocation();
  const [round, setRound] = useState(0);
  const [error, setError] = useState<ApiError>();
  const [busy, setBusy] = useState(false);
  const [removed, setRemoved] = useState(false);
  const [checkedAgain, setCheckedAgain] = useState(false);
  const detail = useLoad((signal) => getWalletCredential(api, id, { signal }), `${id}:${round}`);

  const reverify = async () => {
    setBusy(true);
    setError(undefined);
    setCheckedAgain(false);
    try {
      await api.post(`/api/v1/wallet/credentials/${encodeURIComponent(id)}/verify`, {});
      setRound((r) => r + 1);
      setCheckedAgain(true);
    } catch (e) {
      setError(asApiError(e));
    } finally {
      setBusy(false);
    }
  };
  const [confirming, setConfirming] = useState(false);
  const remove = async () => {
    setError(undefined);
    try {
      await api.delete(`/api/v1/wallet/credentials/${encodeURIComponent(id)}`);
      setRemoved(true);
    } catch (e) {
      setError(asApiError(e));
    }
  };

  if (removed) {
    return (
      <Screen title="Credential removed">
        <Notice tone="success">The credential was removed from your wallet.</Notice>
        <Link to="/wallet">Back to my credentials</Link>
      </Screen>
    );
  }
  const d = detail.data;
  if (!d) {
    return (
      <Screen title={detail.error ? 'Credential not found' : 'Credential'}>
        <ErrorSummary error={detail.error} />
        {detail.loading ? <Notice>Loading…</Notice> : null}
        <Link to="/wallet">Back to my credentials</Link>
      </Screen>
    );
  }
  const item = d.item;
  const description = item.description ?? d.display?.achievement?.description;
  const technical = [...d.technical, { label: 'Kind', value: `${item.standard} (${item.format}${d.originalType ? `, received as ${d.originalType}` : ''})` }];
  const base = `/api/v1/wallet/credentials/${encodeURIComponent(item.id)}/download`;
  const ok = item.status === 'verified';

  return (
    <Screen title={item.name}>
      {new URLSearchParams(location.search).get('claimed') ? <Notice tone="success">The credential is in your wallet.</Notice> : null}
      <div className="detail-head">
        <BadgeImage item={item} large />
        <div>
          <dl className="facts">
            <dt>Issuer</dt>
            <dd className="wrap">{item.issuerName ?? 'Not named'}</dd>
            <dt>Issued</dt>
            <dd>{formatDay(item.issuedAt)}</dd>
            <dt>Status</dt>
            <dd>
              <WalletStatusBadge status={item.status} /> <span className="muted">{STATUS_HELP[item.status as WalletStatus] ?? ''}</span>
            </dd>
          </dl>
        </div>
      </div>
      {description ? <p>{description}</p> : null}

      {d.certifies.length ? (
        <section aria-labelledby="about-title">
          <h2 id="about-title">What it certifies</h2>
          <CertifiedFacts facts={d.certifies} />
        </section>
      ) : null}

      <section aria-labelledby="verification-title">
        <h2 id="verification-title">Verification</h2>
        <div className={ok ? 'verdict verdict-ok' : 'verdict verdict-bad'} data-testid="verdict">
          <p>{verdict(item.status)}</p>
        </div>
        <p className="muted" data-testid="check-counts">
          Last checked {formatDate(item.verifiedAt)}: {checkCounts(d.checks)}. Every check is listed under Technical details.
        </p>
        <ErrorSummary error={error} title="The action failed" />
        {checkedAgain ? <Notice tone="success">Checked again just now.</Notice> : null}
        <button type="button" onClick={() => void reverify()} disabled={busy}>
          {busy ? 'Checking…' : 'Check again'}
        </button>
      </section>

      <SharePanel targetType="credential" targetId={item.id} name={item.name} />

      <section aria-labelledby="downloads-title">
        <h2 id="downloads-title">Downloads</h2>
        <ul className="link-list">
          <li>
            <a className="button" href={`${base}/pdf`} download>
              PDF certificate
            </a>
          </li>
          <li>
            <a className="button" href={`${base}/json`} download>
              JSON
            </a>
          </li>
          {item.format === 'jwt' ? (
            <li>
              <a className="button" href={`${base}/jwt`} download>
                JWT
              </a>
            </li>
          ) : null}
          <li>
            <a className="button" href={`${base}/png`} download>
              Baked PNG badge
            </a>
          </li>
          <li>
            <a className="button" href={`${base}/svg`} download>
              Baked SVG badge
            </a>
          </li>
        </ul>
      </section>

      <PresentationPanel credentialId={item.id} />

      <section aria-labelledby="technical-title">
        <h2 id="technical-title" className="visually-hidden">
          Technical details
        </h2>
        <TechnicalDetails facts={technical}>
          <h3>Every check</h3>
          <Checks checks={d.checks} />
        </TechnicalDetails>
      </section>

      <section aria-labelledby="remove-title">
        <h2 id="remove-title">Remove</h2>
        <p className="muted">Removing it from your wallet does not change the issuer’s record.</p>
        <button type="button" className="danger" aria-expanded={confirming} onClick={() => setConfirming(!confirming)}>
          Remove from my wallet
        </button>
        {confirming ? (
          <div className="notice notice-warning">
            <p>It leaves your wallet and your collections, and its share links stop working.</p>
            <div className="button-row">
              <button type="button" className="danger" onClick={() => void remove()}>
                Yes, remove it
              </button>
              <button type="button" onClick={() => setConfirming(false)}>
                Keep it
              </button>
            </div>
          </div>
        ) : null}
      </section>
    </Screen>
  );
}

/** Share links of a credential or collection: create (optionally expiring), copy, QR, LinkedIn, revoke. */
export function SharePanel({ targetType, targetId, name, level = 2 }: { targetType: 'credential' | 'collection'; targetId: string; name: string; level?: 2 | 3 }) {
  const Heading = level === 2 ? 'h2' : 'h3';
  const { api } = useSession();
  const [round, setRound] = useState(0);
  const [expires, setExpires] = useState('');
  const [error, setError] = useState<ApiError>();
  const [created, setCreated] = useState<string>();
  const shares = useLoad(
    (signal) => api.get<{ items: Share[] }>(`/api/v1/wallet/shares?targetType=${targetType}&targetId=${encodeURIComponent(targetId)}`, { signal }),
    `${targetId}:${round}`,
  );
  const create = async (event: FormEvent) => {
    event.preventDefault();
    setError(undefined);
    setCreated(undefined);
    try {
      // A chosen day means "until the end of that day" in the learner's time zone.
      const expiresAt = expires ? new Date(`${expires}T23:59:59`).toISOString() : undefined;
      const share = await api.post<Share>('/api/v1/wallet/shares', { targetType, targetId, expiresAt });
      setCreated(share.id);
      setExpires('');
      setRound((r) => r + 1);
    } catch (e) {
      setError(asApiError(e));
    }
  };
  const revoke = async (share: Share) => {
    setError(undefined);
    try {
      await api.delete(`/api/v1/wallet/shares/${encodeURIComponent(share.id)}`);
      setRound((r) => r + 1);
    } catch (e) {
      setError(asApiError(e));
    }
  };
  const isLive = (s: Share) => s.active ?? !s.revokedAt;
  const live = (shares.data?.items ?? []).filter(isLive);
  const ended = (shares.data?.items ?? []).filter((s) => !isLive(s));
  const titleId = `share-title-${targetId}`;
  return (
    <section aria-labelledby={titleId} data-testid="share-panel">
      <Heading id={titleId}>Share</Heading>
      <p className="muted">
        Nobody can see this {targetType} until you share it. Anyone with the link sees the {targetType} and its live verification; stop a link at any time.
      </p>
      <ErrorSummary error={error ?? shares.error} title="Sharing failed" />
      {live.length ? (
        <ul className="share-list" aria-label="Share links">
          {live.map((s) => (
            <li key={s.id} data-testid="share">
              {created === s.id ? <Notice tone="success">Share link created.</Notice> : null}
              <a className="share-url" href={s.url} target="_blank" rel="noopener" data-testid="share-url">
                {s.url}
              </a>
              <p className="muted">
                Created {formatDate(s.createdAt)} · {s.expiresAt ? `expires ${formatDate(s.expiresAt)}` : 'does not expire'} · {s.views === 1 ? '1 view' : `${s.views} views`}
              </p>
              <div className="detail-head">
                <img className="qr" src={`${s.url}/qr.png`} alt={`QR code of the link to ${name}`} width={160} height={160} />
                <ul className="link-list" aria-label="For this link">
                  <li>
                    <button type="button" className="small" onClick={() => void navigator.clipboard?.writeText(s.url)}>
                      Copy link
                    </button>
                  </li>
                  {s.linkedIn ? (
                    <li>
                      <a className="button" href={s.linkedIn} target="_blank" rel="noopener noreferrer">
                        Add to LinkedIn profile
                      </a>
                    </li>
                  ) : null}
                  <li>
                    <a className="button" href={`${s.url}/qr.svg`} download>
                      QR code (SVG)
                    </a>
                  </li>
                  <li>
                    <a className="button" href={`${s.url}/qr.png`} download>
                      QR code (PNG)
                    </a>
                  </li>
                  {targetType === 'credential' ? (
                    <li>
                      <a className="button" href={`${s.url}/certificate.pdf`} download>
                        Certificate with this link (PDF)
                      </a>
                    </li>
                  ) : null}
                  <li>
                    <button type="button" className="small danger" onClick={() => void revoke(s)}>
                      Stop sharing<span className="visually-hidden"> this link</span>
                    </button>
                  </li>
                </ul>
              </div>
            </li>
          ))}
        </ul>
      ) : shares.data ? (
        <p>Not shared.</p>
      ) : null}
      <form className="inline-form filters" onSubmit={guarded(create)} aria-label={`Share ${name}`}>
        <Field id={`expires-${targetId}`} label="Link works until (optional)" hint="Leave empty for a link that does not expire." error={error?.fieldMessage('/expiresAt')}>
          {(p) => <input {...p} type="date" value={expires} onChange={(e) => setExpires(e.target.value)} />}
        </Field>
        <button type="submit" className="primary">
          Create share link
        </button>
      </form>
      {ended.length ? <p className="muted">{ended.length === 1 ? '1 link stopped or expired.' : `${ended.length} links stopped or expired.`}</p> : null}
    </section>
  );
}

/** A presentation signed with the learner's key for a verifier's challenge (and domain). */
function PresentationPanel({ credentialId }: { credentialId: string }) {
  const { api } = useSession();
  const [challenge, setChallenge] = useState('');
  const [domain, setDomain] = useState('');
  const [error, setError] = useState<ApiError>();
  const [vp, setVp] = useState<string>();
  const sign = async (event: FormEvent) => {
    event.preventDefault();
    setError(undefined);
    setVp(undefined);
    try {
      const result = await api.post<unknown>('/api/v1/wallet/presentations', { credentialIds: [credentialId], challenge, domain: domain || undefined });
      setVp(JSON.stringify(result, null, 2));
    } catch (e) {
      setError(asApiError(e));
    }
  };
  return (
    <section aria-labelledby="vp-title">
      <h2 id="vp-title">Present to a verifier</h2>
      <details>
        <summary>Sign a presentation for a verifier’s challenge</summary>
        <ErrorSummary error={error} title="The presentation was not signed" />
        <form className="form narrow" onSubmit={guarded(sign)}>
          <Field id="vp-challenge" label="Challenge" hint="The value the verifier gave you." required error={error?.fieldMessage('/challenge')}>
            {(p) => <input {...p} value={challenge} onChange={(e) => setChallenge(e.target.value)} required />}
          </Field>
          <Field id="vp-domain" label="Domain (optional)" error={error?.fieldMessage('/domain')}>
            {(p) => <input {...p} value={domain} onChange={(e) => setDomain(e.target.value)} />}
          </Field>
          <button type="submit">Sign presentation</button>
        </form>
        {vp ? (
          <>
            <a className="button" href={`data:application/json;charset=utf-8,${encodeURIComponent(vp)}`} download="presentation.json">
              Download presentation.json
            </a>
            <pre className="json" tabIndex={0} aria-label="Signed presentation">
              {vp}
            </pre>
          </>
        ) : null}
      </details>
    </section>
  );
}

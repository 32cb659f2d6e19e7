import { useState } from 'react';
import type { FormEvent } from 'react';
import { asApiError, query } from '../../api.ts';
import type { ApiError } from '../../api.ts';
import { ErrorSummary } from '../../components/ErrorSummary.tsx';
import { Notice } from '../../components/Notice.tsx';
import { Screen } from '../../components/Screen.tsx';
import { statusLabel, WalletStatusBadge } from '../../components/WalletStatusBadge.tsx';
import { useLoad } from '../../load.ts';
import { useApiQuery, useInvalidateApi } from '../../query.ts';
import { Link } from 'react-router';
import { useSession } from '../../session.tsx';
import { WALLET_STATUSES } from '../../api-lists.ts';
import type { Facets, Offer, Totals, WalletItem, WalletPage } from '../../api-types.ts';
import { formatDay, formatEcts, safeImage } from '../../format.ts';

interface Filters {
  q: string;
  issuer: string;
  skill: string;
  minEcts: string;
  eqf: string;
  from: string;
  to: string;
  status: string;
  sort: string;
}

const EMPTY: Filters = { q: '', issuer: '', skill: '', minEcts: '', eqf: '', from: '', to: '', status: '', sort: 'added' };

/** The badge image, or the first letter of the name when there is none (decorative either way). */
export function BadgeImage({ item, large = false }: { item: Pick<WalletItem, 'image' | 'name'>; large?: boolean }) {
  const src = safeImage(item.image);
  if (src) return <img src={src} alt="" className={large ? 'badge-image large' : 'badge-image'} referrerPolicy="no-referrer" loading="lazy" />;
  return (
    <span className={large ? 'badge-placeholder large' : 'badge-placeholder'} aria-hidden="true">
      {item.name.trim().charAt(0).toUpperCase() || '?'}
    </span>
  );
}

export function WalletCard({ item, headingLevel = 2 }: { item: WalletItem; headingLevel?: 2 | 3 }) {
  const H = headingLevel === 2 ? 'h2' : 'h3';
  const ects = formatEcts(item.ects);
  return (
    <li className="wallet-card" data-testid="wallet-card">
      <BadgeImage item={item} />
      <div className="card-body">
        <H>
          <Link to={`/wallet/credentials/${item.id}`}>{item.name}</Link>
        </H>
        <p className="muted">{item.issuerName ?? 'Unknown issuer'}</p>
        <p className="muted">
          Issued {formatDay(item.issuedAt)}
          {ects ? ` · ${ects}` : ''}
          {item.eqfLevel ? ` · EQF ${item.eqfLevel}` : ''}
        </p>
        <WalletStatusBadge status={item.status} />
      </div>
    </li>
  );
}

/** The learner's credentials: totals, offers to claim, search and filters, cards. */
export function WalletScreen() {
  const { api } = useSession();
  const [draft, setDraft] = useState<Filters>(EMPTY);
  const [filters, setFilters] = useState<Filters>(EMPTY);
  const [more, setMore] = useState<WalletItem[]>([]);
  const [cursor, setCursor] = useState<string | null>();
  const [moreOpen, setMoreOpen] = useState(() => window.matchMedia('(min-width: 40rem)').matches);
  const facets = useApiQuery<Facets>('/api/v1/wallet/facets');
  const totals = useApiQuery<Totals>('/api/v1/wallet/totals');
  const offers = useApiQuery<{ items: Offer[] }>('/api/v1/wallet/offers');
  const invalidate = useInvalidateApi();
  const page = useLoad(async (signal) => {
    const result = await api.get<WalletPage>('/api/v1/wallet/credentials' + query({ ...filters, limit: 48 }), { signal });
    setMore([]);
    setCursor(result.nextCursor);
    return result;
  }, JSON.stringify(filters));

  const search = (event: FormEvent) => {
    event.preventDefault();
    setFilters(draft);
  };
  const clear = () => {
    setDraft(EMPTY);
    setFilters(EMPTY);
  };
  const loadMore = async () => {
    if (!cursor) return;
    const next = await api.get<WalletPage>('/api/v1/wallet/credentials' + query({ ...filters, limit: 48, cursor }));
    setMore((m) => [...m, ...next.items]);
    setCursor(next.nextCursor);
  };
  const items = [...(page.data?.items ?? []), ...more];
  const set = (key: keyof Filters) => (e: { target: { value: string } }) => setDraft({ ...draft, [key]: e.target.value });
  const filtered = JSON.stringify(filters) !== JSON.stringify(EMPTY);

  return (
    <Screen
      title="My credentials"
      actions={
        <Link to="/wallet/import" className="button primary">
          Add a credential
        </Link>
      }
    >
      {totals.data ? <TotalsPanel totals={totals.data} /> : null}
      <Offers
        offers={offers.data?.items ?? []}
        onAccepted={() => {
          // An accepted offer is a new credential: every figure, filter and the list change.
          void invalidate('/api/v1/wallet/');
          page.reload();
        }}
      />

      <form className="wallet-filters" role="search" aria-label="My credentials" onSubmit={search}>
        <div className="filters">
          <div className="field">
            <label htmlFor="w-q">Search</label>
            <input id="w-q" type="search" placeholder="Name, issuer or skill" value={draft.q} onChange={set('q')} />
          </div>
          <div className="button-row">
            <button type="submit">Search</button>
            {filtered ? (
              <button type="button" onClick={clear}>
                Clear filters
              </button>
            ) : null}
          </div>
        </div>
        {/* Open on wide screens; on a phone the filters fold away so the cards come first. */}
        <details className="more-filters" open={moreOpen} onToggle={(e) => setMoreOpen(e.currentTarget.open)}>
          <summary>Filters and order</summary>
          <div className="filters">
            <div className="field">
              <label htmlFor="w-issuer">Issuer</label>
              <select id="w-issuer" value={draft.issuer} onChange={set('issuer')}>
                <option value="">Any</option>
                {facets.data?.issuers.map((i) => (
                  <option key={i.value} value={i.value}>
                    {i.name} ({i.count})
                  </option>
                ))}
              </select>
            </div>
            <div className="field">
              <label htmlFor="w-skill">Skill</label>
              <select id="w-skill" value={draft.skill} onChange={set('skill')}>
                <option value="">Any</option>
                {facets.data?.skills.map((s) => (
                  <option key={s.value} value={s.value}>
                    {s.label} ({s.count})
                  </option>
                ))}
              </select>
            </div>
            <div className="field">
              <label htmlFor="w-ects">Credits at least (ECTS)</label>
              <input id="w-ects" type="number" min="0" step="0.5" inputMode="decimal" value={draft.minEcts} onChange={set('minEcts')} />
            </div>
            <div className="field">
              <label htmlFor="w-eqf">EQF level</label>
              <select id="w-eqf" value={draft.eqf} onChange={set('eqf')}>
                <option value="">Any</option>
                {(facets.data?.levels.length ? facets.data.levels.map((l) => l.eqf) : [1, 2, 3, 4, 5, 6, 7, 8]).map((l) => (
                  <option key={l} value={l}>
                    Level {l}
                  </option>
                ))}
              </select>
            </div>
            <div className="field">
              <label htmlFor="w-status">Status</label>
              <select id="w-status" value={draft.status} onChange={set('status')}>
                <option value="">Any</option>
                {WALLET_STATUSES.map((s) => (
                  <option key={s} value={s}>
                    {statusLabel(s)}
                  </option>
                ))}
              </select>
            </div>
            <div className="field">
              <label htmlFor="w-from">Issued from</label>
              <input id="w-from" type="date" value={draft.from} onChange={set('from')} />
            </div>
            <div className="field">
              <label htmlFor="w-to">Issued until</label>
              <input id="w-to" type="date" value={draft.to} onChange={set('to')} />
            </div>
            <div className="field">
              <label htmlFor="w-sort">Order</label>
              <select id="w-sort" value={draft.sort} onChange={set('sort')}>
                <option value="added">Recently added</option>
                <option value="issued">Recently issued</option>
                <option value="name">Name</option>
              </select>
            </div>
          </div>
        </details>
      </form>

      <ErrorSummary error={page.error} />
      {page.data ? (
        <p className="muted" role="status">
          {page.data.total === 1 ? '1 credential' : `${page.data.total} credentials`}
          {filtered ? ' match' : ''}
        </p>
      ) : null}
      {page.data && items.length === 0 && !filtered ? (
        <Notice>
          Your wallet is empty. Claim a credential from the link an issuer sent you, or <Link to="/wallet/import">add one from a file</Link>.
        </Notice>
      ) : null}
      {items.length ? (
        <ul className="cards" aria-label="Credentials">
          {items.map((item) => (
            <WalletCard key={item.id} item={item} />
          ))}
        </ul>
      ) : null}
      {cursor ? (
        <button type="button" onClick={() => void loadMore()}>
          Load more
        </button>
      ) : null}
    </Screen>
  );
}

function TotalsPanel({ totals }: { totals: Totals }) {
  const fields = totals.byField.filter((f) => f.ects > 0);
  const levels = totals.byLevel.filter((l) => l.ects > 0);
  return (
    <section className="totals" aria-labelledby="totals-title" data-testid="totals">
      <h2 id="totals-title" className="visually-hidden">
        Totals
      </h2>
      <div>
        <div className="total-figure">{totals.credentials}</div>
        <div className="muted">valid credentials</div>
      </div>
      <div>
        <div className="total-figure">{Number(totals.ects.toFixed(2))}</div>
        <div className="muted">ECTS credits earned</div>
        {totals.inStacked ? (
          <p className="muted small" data-testid="totals-stacked">
            {totals.inStacked === 1 ? '1 credential is' : `${totals.inStacked} credentials are`} part of a stacked credential
            in your wallet: the stacked credential&rsquo;s ECTS already count {totals.inStacked === 1 ? 'it' : 'them'}, so {totals.inStacked === 1 ? 'it is' : 'they are'} not added again.
          </p>
        ) : null}
      </div>
      {fields.length ? (
        <div>
          <h3 className="small-head">By field</h3>
          <ul>
            {fields.map((f) => (
              <li key={f.field ?? ''}>
                {f.field ?? 'Other'}: {formatEcts(f.ects)}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      {levels.length ? (
        <div>
          <h3 className="small-head">By EQF level</h3>
          <ul>
            {levels.map((l) => (
              <li key={l.eqf ?? 0}>
                {l.eqf ? `Level ${l.eqf}` : 'No level'}: {formatEcts(l.ects)}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
    </section>
  );
}

/** Credentials issued here to the learner's confirmed addresses that are not in the wallet yet. */
function Offers({ offers, onAccepted }: { offers: Offer[]; onAccepted(): void }) {
  const { api } = useSession();
  const [error, setError] = useState<ApiError>();
  if (!offers.length) return null;
  const accept = async (offer: Offer) => {
    setError(undefined);
    try {
      await api.post(`/api/v1/wallet/offers/${encodeURIComponent(offer.credentialId)}/accept`, {});
      onAccepted();
    } catch (e) {
      setError(asApiError(e));
    }
  };
  return (
    <section className="card" aria-labelledby="offers-title" data-testid="offers">
      <h2 id="offers-title">Waiting for you</h2>
      <p className="muted">Issued to one of your confirmed addresses.</p>
      <ErrorSummary error={error} title="The credential was not added" />
      <ul className="ordered">
        {offers.map((o) => {
          const name = o.achievementName;
          return (
            <li key={o.credentialId}>
              <span className="item-name">
                <strong>{name}</strong>
                <span className="muted">
                  {' '}
                  · {o.issuerName ?? 'Unknown issuer'} · {formatDay(o.issuedAt)}
                </span>
              </span>
              <button type="button" className="small primary" onClick={() => void accept(o)}>
                Add<span className="visually-hidden"> {name}</span> to my wallet
              </button>
            </li>
          );
        })}
      </ul>
    </section>
  );
}

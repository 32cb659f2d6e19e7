import { useState } from 'react';
import { asApiError } from '../../api.ts';
import type { ApiError } from '../../api.ts';
import { ErrorSummary } from '../../components/ErrorSummary.tsx';
import { Notice } from '../../components/Notice.tsx';
import { EvaluationView, ProgressBar } from '../../components/PathwayProgress.tsx';
import type { Names } from '../../components/PathwayProgress.tsx';
import { Screen } from '../../components/Screen.tsx';
import { formatDate } from '../../load.ts';
import { Link, useParams } from 'react-router';
import { useApiQuery, useInvalidateApi } from '../../query.ts';
import { useSession } from '../../session.tsx';
import type { CatalogueItem, PathwayProgressView as PathwayDetail, PathwayProgressView as PathwayProgress, Plan, PublishedPathway, WalletItem, WalletPage } from '../../api-types.ts';
import { credits } from '../../format.ts';
import { useSubmit } from '../../submit.ts';

/** Follow or stop following a published pathway. */
function FollowButton({ pathwayId, name, following, onChanged, onError }: { pathwayId: string; name: string; following: boolean; onChanged(): void; onError(e: ApiError): void }) {
  const { api } = useSession();
  const toggle = useSubmit(async () => {
    try {
      if (following) await api.delete(`/api/v1/wallet/pathways/${pathwayId}`);
      else await api.put(`/api/v1/wallet/pathways/${pathwayId}`, undefined);
      onChanged();
    } catch (e) {
      onError(asApiError(e));
    }
  });
  return (
    <button type="button" className={following ? 'small' : 'small primary'} disabled={toggle.pending} onClick={() => void toggle.run()}>
      {following ? 'Stop following' : 'Follow'}
      <span className="visually-hidden"> {name}</span>
    </button>
  );
}

/**
 * The requirements in words that agree with the bar: "1 of 2 requirements met", and for a requirement
 * that is under way but not met, "partly met" (a 50% bar beside "0 of 1 requirement met" reads as a
 * contradiction): "0 of 1 requirement fully met, 1 partly met".
 */
export function metText(requirements: readonly { satisfied: boolean; progress: number }[]): string {
  const all = requirements.length;
  const met = requirements.filter((r) => r.satisfied).length;
  const partly = requirements.filter((r) => !r.satisfied && r.progress > 0).length;
  const noun = all === 1 ? 'requirement' : 'requirements';
  if (partly === 0) return `${met} of ${all} ${noun} met`;
  return `${met} of ${all} ${noun} fully met, ${partly} partly met`;
}

function CompleteBadge() {
  return <span className="badge badge-active">Complete</span>;
}

/** The learner's pathways: progress on each, the stacked credentials earned, and published pathways to follow. */
export function WalletPathwaysScreen() {
  const invalidate = useInvalidateApi();
  const [error, setError] = useState<ApiError>();
  const mine = useApiQuery<{ items: PathwayProgress[] }>('/api/v1/wallet/pathways');
  const published = useApiQuery<{ items: PublishedPathway[] }>('/api/v1/pathways');
  const changed = () => {
    setError(undefined);
    void invalidate('/api/v1/wallet/pathways');
    void invalidate('/api/v1/pathways');
  };
  const mineIds = new Set(mine.data?.items.map((p) => p.pathwayId));
  const others = published.data?.items.filter((p) => !mineIds.has(p.id)) ?? [];
  return (
    <Screen title="My pathways" intro="Stacked credentials: how far your credentials take you, and what is left.">
      <ErrorSummary error={error ?? mine.error ?? published.error} />
      {mine.isFetching && !mine.data ? <Notice>Loading…</Notice> : null}
      {mine.data && mine.data.items.length === 0 ? <Notice>No progress on a pathway yet. Follow one below, or claim credentials that count toward one.</Notice> : null}
      {mine.data?.items.length ? (
        <ul className="pathway-cards" aria-label="My pathways">
          {mine.data.items.map((p) => (
            <li key={p.pathwayId} className="card pathway-card" data-testid="pathway-card">
              <h2>
                <Link to={`/wallet/pathways/${p.pathwayId}`}>{p.pathwayName}</Link> {p.complete ? <CompleteBadge /> : null}
              </h2>
              <p className="muted">{p.organisationName}</p>
              <ProgressBar value={p.progress} label={`${p.pathwayName}: progress`} />
              <p className="muted">
                {credits(p.creditsCounted)} ECTS counted · {metText(p.evaluation.requirements)}
              </p>
              {p.awardedWalletItemId ? (
                <p>
                  <Link to={`/wallet/credentials/${p.awardedWalletItemId}`}>Open your stacked credential</Link>
                </p>
              ) : null}
              {/* Nothing is left to follow on a completed pathway; one still followed can be let go. */}
              {p.following || !p.complete ? (
                <div className="button-row">
                  <FollowButton pathwayId={p.pathwayId} name={p.pathwayName} following={p.following} onChanged={changed} onError={setError} />
                </div>
              ) : null}
            </li>
          ))}
        </ul>
      ) : null}
      <section aria-labelledby="browse-title">
        <h2 id="browse-title">Browse pathways</h2>
        {published.data && others.length === 0 ? <p className="muted">No other published pathways.</p> : null}
        {others.length ? (
          <ul className="pathway-cards" aria-label="Published pathways">
            {others.map((p) => (
              <li key={p.id} className="card pathway-card" data-testid="published-pathway">
                <h3>
                  <Link to={`/wallet/pathways/${p.id}`}>{p.name}</Link>
                </h3>
                <p className="muted">
                  {p.organisationName} · {p.requirementsCount === 1 ? '1 requirement' : `${p.requirementsCount} requirements`}
                </p>
                {p.description ? <p>{p.description}</p> : null}
                <div className="button-row">
                  <FollowButton pathwayId={p.id} name={p.name} following={false} onChanged={changed} onError={setError} />
                </div>
              </li>
            ))}
          </ul>
        ) : null}
      </section>
    </Screen>
  );
}

/** One pathway for the learner: each requirement, what counted, what is missing, and what to take next. */
export function WalletPathwayScreen() {
  const params = useParams();
  const id = params.id ?? '';
  const invalidate = useInvalidateApi();
  const [error, setError] = useState<ApiError>();
  const detail = useApiQuery<PathwayDetail>(`/api/v1/wallet/pathways/${encodeURIComponent(id)}`);
  const catalogue = useApiQuery<{ items: CatalogueItem[] }>('/api/v1/catalogue/achievements?limit=1000');
  const wallet = useApiQuery<WalletPage>('/api/v1/wallet/credentials?limit=200');
  const p = detail.data;
  if (!p) {
    return (
      <Screen title="Pathway">
        <ErrorSummary error={detail.error} />
        {detail.error ? null : <Notice>Loading…</Notice>}
        <p>
          <Link to="/wallet/pathways">All my pathways</Link>
        </p>
      </Screen>
    );
  }
  const byUrl = new Map((catalogue.data?.items ?? []).map((c) => [c.achievementUrl, c]));
  const items = new Map<string, WalletItem>((wallet.data?.items ?? []).map((w) => [w.id, w]));
  const skillNames = new Map<string, string>();
  for (const c of catalogue.data?.items ?? []) for (const a of c.alignments) if (a.targetUrl && a.name) skillNames.set(a.targetUrl, a.name);
  const names: Names = {
    credential: (key) => items.get(key)?.name ?? 'A credential in your wallet',
    credentialLink: (key) => <Link to={`/wallet/credentials/${key}`}>{items.get(key)?.name ?? 'A credential in your wallet'}</Link>,
    achievement: (url) => {
      const c = byUrl.get(url);
      return c ? `${c.name} (${c.issuerName ?? c.organisationName})` : url;
    },
    outcome: (url) => skillNames.get(url) ?? url,
  };
  return (
    <Screen title={p.pathwayName} intro={`${p.organisationName} · version ${p.version}`}>
      <p>
        <Link to="/wallet/pathways">All my pathways</Link>
      </p>
      <ErrorSummary error={error} />
      <section className="card" aria-labelledby="overall-title" data-testid="pathway-overall">
        <h2 id="overall-title">
          Your progress {p.complete ? <CompleteBadge /> : null}
        </h2>
        <ProgressBar value={p.progress} label={`${p.pathwayName}: progress`} testId="overall-progress" />
        <p>
          {credits(p.creditsCounted)} ECTS counted · {metText(p.evaluation.requirements)}
        </p>
        {p.awardedWalletItemId ? (
          <p>
            <Link to={`/wallet/credentials/${p.awardedWalletItemId}`}>Open your stacked credential</Link>
          </p>
        ) : p.awardedCredentialId ? (
          <p>Your stacked credential was issued; it is being added to your wallet.</p>
        ) : p.complete ? (
          <p>Your credentials complete this pathway; the stacked credential follows shortly.</p>
        ) : null}
        <p className="muted">Checked {formatDate(p.computedAt)}.</p>
        {p.following || !p.complete ? (
        <div className="button-row">
          <FollowButton
            pathwayId={p.pathwayId}
            name={p.pathwayName}
            following={p.following}
            onChanged={() => {
              setError(undefined);
              void invalidate('/api/v1/wallet/pathways');
              void invalidate('/api/v1/wallet/credentials');
            }}
            onError={setError}
          />
        </div>
        ) : null}
      </section>
      {p.plan && !p.complete ? <NextSteps plan={p.plan} byUrl={byUrl} /> : null}
      <h2>Requirements</h2>
      <EvaluationView evaluation={p.evaluation} names={names} level={3} idPrefix="mine" />
    </Screen>
  );
}

/** "What to take next": the planner's smallest set of catalogue achievements, with what each brings. */
function NextSteps({ plan, byUrl }: { plan: Plan; byUrl: Map<string, CatalogueItem> }) {
  return (
    <section className="card" aria-labelledby="next-title" data-testid="next-steps">
      <h2 id="next-title">What to take next</h2>
      {plan.achievements.length === 0 ? (
        <p>Nothing in the catalogue would move you forward on this pathway yet.</p>
      ) : (
        <>
          <p>
            {plan.feasible
              ? plan.achievements.length === 1
                ? 'This would complete the pathway:'
                : `These ${plan.achievements.length} would complete the pathway:`
              : 'The catalogue cannot complete the pathway yet; these bring you closest:'}
          </p>
          <ol className="next-list">
            {plan.achievements.map((a) => {
              const c = byUrl.get(a.achievementId);
              return (
                <li key={`${a.issuerId} ${a.achievementId}`}>
                  <strong>{a.achievementName}</strong>
                  <span className="muted">
                    {' '}
                    · {c?.issuerName ?? c?.organisationName ?? a.issuerId}
                    {a.creditsEcts !== undefined ? ` · ${credits(a.creditsEcts)} ECTS` : ''}
                  </span>
                  {a.reasons.length ? (
                    <ul>
                      {a.reasons.map((r, i) => (
                        <li key={i}>{r}</li>
                      ))}
                    </ul>
                  ) : null}
                </li>
              );
            })}
          </ol>
          <p className="small-head">Your progress once you hold {plan.achievements.length === 1 ? 'it' : 'them'}</p>
          <ProgressBar
            value={plan.progressAfter}
            label={`Progress once you hold ${plan.achievements.length === 1 ? 'it' : 'these'}`}
            words={(pct) => `${pct}% once you hold ${plan.achievements.length === 1 ? 'it' : 'them'}`}
          />
        </>
      )}
      {plan.reasons.length ? (
        <details className="reasons">
          <summary>How this was chosen</summary>
          <ul>
            {plan.reasons.map((r, i) => (
              <li key={i}>{r}</li>
            ))}
          </ul>
        </details>
      ) : null}
    </section>
  );
}

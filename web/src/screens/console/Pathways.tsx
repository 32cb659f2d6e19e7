import { useState } from 'react';
import type { FormEvent } from 'react';
import { asApiError } from '../../api.ts';
import type { ApiError } from '../../api.ts';
import { ErrorSummary } from '../../components/ErrorSummary.tsx';
import { DataTable } from '../../components/DataTable.tsx';
import { Field } from '../../components/Field.tsx';
import { Notice } from '../../components/Notice.tsx';
import { Loading } from '../../components/QueryState.tsx';
import { Screen } from '../../components/Screen.tsx';
import { formatDate, useLoad } from '../../load.ts';
import { useApiQuery, useInvalidateApi } from '../../query.ts';
import { Link } from 'react-router';
import { useOrganisation, useSession } from '../../session.tsx';
import type { Achievement, Issuer, PathwayView, PathwayAward, PathwayFlag, Role, TrustedIssuer } from '../../api-types.ts';
import { guarded } from '../../submit.ts';

const DESIGNERS: Role[] = ['owner', 'admin', 'issuer'];

const STATUS_LABELS: Record<PathwayView['status'], string> = { draft: 'Draft', published: 'Published', archived: 'Archived' };

/** Awards are counted per pathway with one request each; beyond this many pathways the column is left out. */
const AWARD_COUNT_LIMIT = 50;

function PathwaysNav() {
  return (
    <nav aria-label="Pathways" className="sub-nav">
      <ul className="link-list">
        <li>
          <Link to="/console/pathways">All pathways</Link>
        </li>
        <li>
          <Link to="/console/pathways/trusted-issuers">Trusted issuers</Link>
        </li>
        <li>
          <Link to="/console/pathways/flags">Flags</Link>
        </li>
      </ul>
    </nav>
  );
}

/** The organisation's pathways (stacked credentials), with their target and how many were awarded. */
export function PathwaysScreen() {
  const { organisationId, role } = useOrganisation();
  const { api } = useSession();
  const base = `/api/v1/organisations/${organisationId}`;
  const data = useLoad(async (signal) => {
    const [pathways, achievements, flags] = await Promise.all([
      api.get<{ items: PathwayView[] }>(`${base}/pathways`, { signal }),
      api.get<{ items: Achievement[] }>(`${base}/achievements?includeArchived=true`, { signal }),
      api.get<{ items: PathwayFlag[] }>(`${base}/pathway-flags?status=open`, { signal }),
    ]);
    const awards = pathways.items.length <= AWARD_COUNT_LIMIT
      ? new Map(await Promise.all(pathways.items.map(async (p) => [p.id, (await api.get<{ items: PathwayAward[] }>(`${base}/pathways/${p.id}/awards`, { signal })).items.length] as const)))
      : undefined;
    return { pathways: pathways.items, names: new Map(achievements.items.map((a) => [a.id, a.name])), openFlags: flags.items.length, awards };
  }, organisationId);
  const canDesign = DESIGNERS.includes(role);
  return (
    <Screen
      title="Pathways"
      intro="Stacked credentials: rules over learners’ credentials, from any issuer, that lead to one of your micro-credentials."
      actions={
        canDesign ? (
          <Link to="/console/pathways/new" className="button primary">
            New pathway
          </Link>
        ) : undefined
      }
    >
      <PathwaysNav />
      {data.data && data.data.openFlags > 0 ? (
        <Notice tone="warning">
          {data.data.openFlags === 1 ? 'One stacked credential is' : `${data.data.openFlags} stacked credentials are`} flagged: a credential it was built from was revoked.{' '}
          <Link to="/console/pathways/flags">Review the flags</Link>
        </Notice>
      ) : null}
      <DataTable
        caption="Pathways"
        rows={data.data?.pathways}
        error={data.error}
        onRetry={data.reload}
        rowKey={(p) => p.id}
        empty={`No pathways yet.${canDesign ? ' Design the first one.' : ''}`}
        columns={[
          {
            header: 'Name',
            cell: (p) => (
              <>
                <Link to={`/console/pathways/${p.id}`}>{p.name}</Link>
                <div className="muted">Awards “{data.data?.names.get(p.achievementId) ?? 'unknown micro-credential'}”</div>
              </>
            ),
          },
          { header: 'Status', cell: (p) => <span className={p.status === 'published' ? 'badge badge-active' : 'badge'}>{STATUS_LABELS[p.status]}</span> },
          { header: 'Version', cell: (p) => p.version },
          { header: 'Awards', cell: (p) => data.data?.awards?.get(p.id) ?? '—' },
          { header: 'Requirements', cell: (p) => p.rules.requirements.length },
          { header: 'Updated', cell: (p) => formatDate(p.updatedAt) },
        ]}
      />
    </Screen>
  );
}

/** The issuers the organisation trusts for its pathways: list, add, remove. */
export function TrustedIssuersScreen() {
  const { organisationId, role } = useOrganisation();
  const { api } = useSession();
  const base = `/api/v1/organisations/${organisationId}`;
  const list = useApiQuery<{ items: TrustedIssuer[] }>(`${base}/trusted-issuers`);
  const own = useApiQuery<{ items: Issuer[] }>(`${base}/issuers`);
  const invalidate = useInvalidateApi();
  const [draft, setDraft] = useState({ issuerId: '', name: '' });
  const [error, setError] = useState<ApiError>();
  const [done, setDone] = useState<string>();
  const canDesign = DESIGNERS.includes(role);

  const add = async (event: FormEvent) => {
    event.preventDefault();
    setError(undefined);
    setDone(undefined);
    try {
      const added = await api.post<TrustedIssuer>(`${base}/trusted-issuers`, { issuerId: draft.issuerId.trim(), name: draft.name.trim() });
      setDraft({ issuerId: '', name: '' });
      setDone(`${added.name} is trusted.`);
      await invalidate(`${base}/trusted-issuers`);
    } catch (e) {
      setError(asApiError(e));
    }
  };
  const remove = async (t: TrustedIssuer) => {
    setError(undefined);
    setDone(undefined);
    try {
      await api.delete(`${base}/trusted-issuers/${t.id}`);
      setDone(`${t.name} is no longer trusted.`);
      await invalidate(`${base}/trusted-issuers`);
    } catch (e) {
      setError(asApiError(e));
    }
  };
  return (
    <Screen
      title="Trusted issuers"
      intro="Pathways that use the trust list count credentials only from these issuers and your own. Anyone can write any achievement id into a credential they sign: trust decides whose count."
    >
      <PathwaysNav />
      <ErrorSummary error={error} />
      {done ? <Notice tone="success">{done}</Notice> : null}
      <DataTable
        caption="Trusted issuers"
        rows={list.data?.items}
        error={list.error}
        onRetry={() => void list.refetch()}
        rowKey={(t) => t.id}
        empty="No trusted issuers yet: pathways using the list count only your own issuers’ credentials."
        columns={[
          { header: 'Name', cell: (t) => t.name },
          { header: 'Identifier', className: 'wrap', cell: (t) => <code>{t.issuerId}</code> },
          { header: 'Added', cell: (t) => formatDate(t.createdAt) },
          ...(canDesign
            ? [
                {
                  header: 'Action',
                  className: 'actions',
                  cell: (t: TrustedIssuer) => (
                    <button type="button" className="small danger" onClick={() => void remove(t)}>
                      Remove<span className="visually-hidden"> {t.name}</span>
                    </button>
                  ),
                },
              ]
            : []),
        ]}
      />
      {own.data?.items.length ? (
        <section aria-labelledby="own-issuers">
          <h2 id="own-issuers">Always trusted: your own issuers</h2>
          <ul>
            {own.data.items.map((i) => (
              <li key={i.id}>
                {i.name} <code className="wrap">{i.did}</code>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      {canDesign ? (
        <form className="form narrow inline-form" onSubmit={guarded(add)} noValidate aria-labelledby="add-trusted">
          <h2 id="add-trusted">Trust an issuer</h2>
          <Field id="t-issuer" label="Issuer identifier" hint="Its DID or URL, as its credentials name it (e.g. did:web:partner.example)." required error={error?.fieldMessage('/issuerId')}>
            {(p) => <input {...p} value={draft.issuerId} onChange={(e) => setDraft({ ...draft, issuerId: e.target.value })} />}
          </Field>
          <Field id="t-name" label="Name" required error={error?.fieldMessage('/name')}>
            {(p) => <input {...p} value={draft.name} onChange={(e) => setDraft({ ...draft, name: e.target.value })} />}
          </Field>
          <button type="submit" className="primary">
            Trust this issuer
          </button>
        </form>
      ) : null}
    </Screen>
  );
}

const ACTION_LABELS: Record<NonNullable<PathwayFlag['action']>, string> = { suspended: 'Suspended', revoked: 'Revoked', kept: 'Kept' };

/** Stacked credentials whose constituent was revoked: the issuer suspends, revokes or keeps each, with a reason. */
export function PathwayFlagsScreen() {
  const { organisationId, role } = useOrganisation();
  const base = `/api/v1/organisations/${organisationId}`;
  const open = useApiQuery<{ items: PathwayFlag[] }>(`${base}/pathway-flags?status=open`);
  const resolved = useApiQuery<{ items: PathwayFlag[] }>(`${base}/pathway-flags?status=resolved`);
  const invalidate = useInvalidateApi();
  const [done, setDone] = useState<string>();
  const canDecide = DESIGNERS.includes(role);
  return (
    <Screen title="Flagged stacked credentials" intro="A credential a stacked credential was built from was revoked. Decide for each: suspend it, revoke it, or keep it (a suspended one is reinstated).">
      <PathwaysNav />
      <ErrorSummary error={open.error ?? undefined} />
      {done ? <Notice tone="success">{done}</Notice> : null}
      <h2>Open</h2>
      {open.data === undefined && !open.error ? <Loading /> : null}
      {open.data && open.data.items.length === 0 ? <Notice>No open flags.</Notice> : null}
      <ul className="flag-list">
        {open.data?.items.map((f) => (
          <FlagCard
            key={f.id}
            flag={f}
            canDecide={canDecide}
            onResolved={(r) => {
              setDone(`${r.pathwayName}: ${ACTION_LABELS[r.action ?? 'kept'].toLowerCase()}.`);
              void invalidate(`${base}/pathway-flags`);
            }}
          />
        ))}
      </ul>
      <h2>Resolved</h2>
      <DataTable
        caption="Resolved flags"
        rows={resolved.data?.items}
        error={resolved.error}
        onRetry={() => void resolved.refetch()}
        rowKey={(f) => f.id}
        empty="None yet."
        columns={[
          { header: 'Pathway', cell: (f) => f.pathwayName },
          { header: 'Revoked constituent', cell: (f) => f.constituentName },
          { header: 'Decision', cell: (f) => (f.action ? ACTION_LABELS[f.action] : '—') },
          { header: 'Reason', cell: (f) => f.resolutionReason ?? '—' },
          { header: 'Resolved', cell: (f) => formatDate(f.resolvedAt) },
        ]}
      />
    </Screen>
  );
}

function FlagCard({ flag, canDecide, onResolved }: { flag: PathwayFlag; canDecide: boolean; onResolved(flag: PathwayFlag): void }) {
  const { api } = useSession();
  const { organisationId } = useOrganisation();
  const [action, setAction] = useState<'suspend' | 'revoke' | 'keep'>('keep');
  const [reason, setReason] = useState('');
  const [error, setError] = useState<ApiError>();
  const id = `flag-${flag.id}`;
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(undefined);
    try {
      onResolved(await api.post<PathwayFlag>(`/api/v1/organisations/${organisationId}/pathway-flags/${flag.id}/resolution`, { action, reason: reason.trim() }));
    } catch (e) {
      setError(asApiError(e));
    }
  };
  return (
    <li className="card" data-testid="flag">
      <h3 id={`${id}-title`}>{flag.pathwayName}</h3>
      <dl className="facts">
        <dt>Revoked constituent</dt>
        <dd>{flag.constituentName}</dd>
        <dt>Why flagged</dt>
        <dd>{flag.reason}</dd>
        <dt>Flagged</dt>
        <dd>{formatDate(flag.createdAt)}</dd>
        <dt>So far</dt>
        <dd>{flag.action ? `${ACTION_LABELS[flag.action]} by the pathway’s policy` : 'No action yet'}</dd>
        <dt>Stacked credential</dt>
        <dd className="wrap">
          <code>{flag.awardCredentialId}</code>
        </dd>
      </dl>
      {canDecide ? (
        <form onSubmit={guarded(submit)} noValidate aria-labelledby={`${id}-title`}>
          <ErrorSummary error={error} title="The flag was not resolved" />
          <fieldset className="field">
            <legend>Decision</legend>
            <div className="choices">
              {(flag.awardSuspendable ? (['keep', 'suspend', 'revoke'] as const) : (['keep', 'revoke'] as const)).map((a) => (
                <label key={a} className="choice">
                  <input type="radio" name={`${id}-action`} value={a} checked={action === a} onChange={() => setAction(a)} />
                  {a === 'keep' ? 'Keep it' : a === 'suspend' ? 'Suspend it' : 'Revoke it'}
                </label>
              ))}
            </div>
          </fieldset>
          <Field id={`${id}-reason`} label="Reason" hint="Kept with the decision." required error={error?.fieldMessage('/reason')}>
            {(p) => <input {...p} value={reason} onChange={(e) => setReason(e.target.value)} />}
          </Field>
          <button type="submit" className="primary">
            Resolve<span className="visually-hidden"> the flag on {flag.pathwayName}</span>
          </button>
        </form>
      ) : null}
    </li>
  );
}

import { useState } from 'react';
import type { FormEvent } from 'react';
import { asApiError, query } from '../../api.ts';
import type { ApiError } from '../../api.ts';
import { DataTable } from '../../components/DataTable.tsx';
import { useConfirm } from '../../components/ConfirmDialog.tsx';
import { FirstRunChecklist } from '../../components/FirstRunChecklist.tsx';
import { ErrorSummary } from '../../components/ErrorSummary.tsx';
import { Field } from '../../components/Field.tsx';
import { Screen } from '../../components/Screen.tsx';
import { StatusBadge } from '../../components/StatusBadge.tsx';
import { formatDate, useLoad } from '../../load.ts';
import { Link } from 'react-router';
import { useOrganisation, useSession } from '../../session.tsx';
import { CREDENTIAL_STATUSES } from '../../api-lists.ts';
import type { Achievement, CredentialPage, IssuedCredential } from '../../api-types.ts';
import { useSubmit } from '../../submit.ts';

interface Filters {
  q: string;
  status: string;
  achievementId: string;
}

/** Issued credentials: search, filter by status and definition, and change status. */
export function CredentialsScreen() {
  const { organisationId } = useOrganisation();
  const { api } = useSession();
  const [draft, setDraft] = useState<Filters>({ q: '', status: '', achievementId: '' });
  const [filters, setFilters] = useState(draft);
  const [more, setMore] = useState<IssuedCredential[]>([]);
  const [cursor, setCursor] = useState<string | null>();
  const achievements = useLoad(
    (signal) => api.get<{ items: Achievement[] }>(`/api/v1/organisations/${organisationId}/achievements?includeArchived=true`, { signal }),
    organisationId,
  );
  const base = `/api/v1/organisations/${organisationId}/credentials`;
  const page = useLoad(async (signal) => {
    const result = await api.get<CredentialPage>(base + query({ ...filters, limit: 50 }), { signal });
    setMore([]);
    setCursor(result.nextCursor);
    return result;
  }, `${organisationId}:${JSON.stringify(filters)}`);

  const search = (event: FormEvent) => {
    event.preventDefault();
    setFilters(draft);
  };
  const loadMore = async () => {
    if (!cursor) return;
    const next = await api.get<CredentialPage>(base + query({ ...filters, limit: 50, cursor }));
    setMore((m) => [...m, ...next.items]);
    setCursor(next.nextCursor);
  };
  const rows = [...(page.data?.items ?? []), ...more];

  return (
    <Screen
      title="Credentials"
      actions={
        <Link to="/console/issue" className="button primary">
          Issue one
        </Link>
      }
    >
      <FirstRunChecklist organisationId={organisationId} />
      <form className="filters" role="search" aria-label="Credentials" onSubmit={search}>
        <div className="field">
          <label htmlFor="cred-q">Search</label>
          <input id="cred-q" type="search" placeholder="Name, e-mail or DID" value={draft.q} onChange={(e) => setDraft({ ...draft, q: e.target.value })} />
        </div>
        <div className="field">
          <label htmlFor="cred-status">Status</label>
          <select id="cred-status" value={draft.status} onChange={(e) => setDraft({ ...draft, status: e.target.value })}>
            <option value="">Any</option>
            {CREDENTIAL_STATUSES.map((s) => (
              <option key={s} value={s}>
                {s[0]?.toUpperCase() + s.slice(1)}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="cred-achievement">Micro-credential</label>
          <select id="cred-achievement" value={draft.achievementId} onChange={(e) => setDraft({ ...draft, achievementId: e.target.value })}>
            <option value="">Any</option>
            {achievements.data?.items.map((a) => (
              <option key={a.id} value={a.id}>
                {a.name}
              </option>
            ))}
          </select>
        </div>
        <button type="submit">Search</button>
      </form>
      <DataTable
        caption="Issued credentials"
        testId="credentials-table"
        rows={page.data ? rows : undefined}
        error={page.error}
        onRetry={page.reload}
        rowKey={(c) => c.id}
        empty="No credentials match."
        columns={[{ header: 'Recipient' }, { header: 'Micro-credential' }, { header: 'Issued' }, { header: 'Status' }, { header: 'Actions' }]}
        renderRow={(c) => <CredentialRow credential={c} onChange={page.reload} />}
      />
      {cursor ? (
        <button type="button" onClick={() => void loadMore()}>
          Load more
        </button>
      ) : null}
    </Screen>
  );
}

function CredentialRow({ credential: initial, onChange }: { credential: IssuedCredential; onChange(): void }) {
  const { api } = useSession();
  const [c, setC] = useState(initial);
  const [action, setAction] = useState<'revoke' | 'suspend'>();
  const [reason, setReason] = useState('');
  const [error, setError] = useState<ApiError>();
  const who = c.recipient.name || c.recipient.email || c.recipient.did || '—';
  const { confirm, dialog } = useConfirm();
  const changing = useSubmit(async (kind: 'revoke' | 'suspend' | 'reinstate', body?: object) => {
    setError(undefined);
    if (kind === 'revoke') {
      const ok = await confirm({
        title: `Revoke the credential of ${who}?`,
        body: `Revoking “${c.achievementName ?? 'the credential'}” is final: every verifier will see it as revoked from now on, and it cannot be reinstated.`,
        confirmLabel: 'Revoke for good',
      });
      if (!ok) return;
    }
    try {
      setC(await api.post<IssuedCredential>(`/api/v1/credentials/${c.id}/${kind}`, body ?? {}));
      setAction(undefined);
      setReason('');
      onChange();
    } catch (e) {
      setError(asApiError(e));
    }
  });
  const change = (kind: 'revoke' | 'suspend' | 'reinstate', body?: object) => changing.run(kind, body);
  return (
    <>
      <tr>
        <td>
          <Link to={`/console/credentials/${c.id}`}>
            {who}
            <span className="visually-hidden">: details and history</span>
          </Link>
          {c.recipient.name && c.recipient.email ? <div className="muted">{c.recipient.email}</div> : null}
        </td>
        <td>
          <a href={c.credentialId}>{c.achievementName ?? 'Credential'}</a>
        </td>
        <td>{formatDate(c.issuedAt)}</td>
        <td>
          <StatusBadge status={c.status} />
          {c.statusReason ? <div className="muted">{c.statusReason}</div> : null}
        </td>
        <td className="actions">
          {c.status === 'active' ? (
            <>
              <button type="button" className="small danger" onClick={() => setAction('revoke')} aria-expanded={action === 'revoke'}>
                Revoke<span className="visually-hidden"> credential of {who}</span>
              </button>
              {/* Only credentials issued with a suspension entry can be suspended (the achievement enabled it). */}
              {c.suspendable ? (
                <button type="button" className="small" onClick={() => setAction('suspend')} aria-expanded={action === 'suspend'}>
                  Suspend<span className="visually-hidden"> credential of {who}</span>
                </button>
              ) : null}
            </>
          ) : null}
          {c.status === 'suspended' ? (
            <button type="button" className="small" disabled={changing.pending} onClick={() => void change('reinstate')}>
              Reinstate<span className="visually-hidden"> credential of {who}</span>
            </button>
          ) : null}
        </td>
      </tr>
      {action || error ? (
        <tr className="action-row">
          <td colSpan={5}>
            <ErrorSummary error={error} title="The status was not changed" />
            {action ? (
              <form
                className="inline-form"
                onSubmit={(e) => {
                  e.preventDefault();
                  void change(action, { reason: reason || undefined });
                }}
              >
                <Field
                  id={`reason-${c.id}`}
                  label={`Reason for ${action === 'revoke' ? 'revoking (final, cannot be undone)' : 'suspending'} the credential of ${who}`}
                  required={action === 'revoke'}
                  error={error?.fieldMessage('/reason')}
                >
                  {(p) => <input {...p} value={reason} onChange={(e) => setReason(e.target.value)} />}
                </Field>
                <div className="button-row">
                  <button type="submit" className={action === 'revoke' ? 'danger' : 'primary'} disabled={changing.pending}>
                    Confirm {action === 'revoke' ? 'revocation' : 'suspension'}
                  </button>
                  <button type="button" onClick={() => setAction(undefined)}>
                    Cancel
                  </button>
                </div>
              </form>
            ) : null}
            {dialog}
          </td>
        </tr>
      ) : null}
    </>
  );
}

import { useState } from 'react';
import type { FormEvent } from 'react';
import { asApiError } from '../../api.ts';
import type { ApiError } from '../../api.ts';
import { ErrorSummary } from '../../components/ErrorSummary.tsx';
import { Field } from '../../components/Field.tsx';
import { Notice } from '../../components/Notice.tsx';
import { Screen } from '../../components/Screen.tsx';
import { useApiQuery } from '../../query.ts';
import { useOrganisation, useSession } from '../../session.tsx';
import { ROLES } from '../../api-lists.ts';
import type { Invitation, Member, Organisation, Role } from '../../api-types.ts';
import { guarded } from '../../submit.ts';

/** Organisation settings (name) and its members with their roles. */
export function OrganisationScreen() {
  const { organisationId } = useOrganisation();
  return (
    <Screen title="Organisation">
      <NameForm organisationId={organisationId} />
      <Members organisationId={organisationId} />
    </Screen>
  );
}

function NameForm({ organisationId }: { organisationId: string }) {
  const { api, refresh } = useSession();
  const org = useApiQuery<Organisation>(`/api/v1/organisations/${organisationId}`);
  const [name, setName] = useState<string>();
  const [error, setError] = useState<ApiError>();
  const [saved, setSaved] = useState(false);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(undefined);
    setSaved(false);
    try {
      await api.patch(`/api/v1/organisations/${organisationId}`, { name: name ?? org.data?.name ?? '' });
      setSaved(true);
      await refresh();
    } catch (e) {
      setError(asApiError(e));
    }
  };
  return (
    <section aria-labelledby="org-settings">
      <h2 id="org-settings">Settings</h2>
      <ErrorSummary error={error ?? org.error} />
      {saved ? <Notice tone="success">Saved.</Notice> : null}
      <form onSubmit={guarded(submit)} noValidate className="form">
        <Field id="org-name" label="Organisation name" error={error?.fieldMessage('/name')}>
          {(p) => <input {...p} value={name ?? org.data?.name ?? ''} onChange={(e) => setName(e.target.value)} />}
        </Field>
        <button type="submit" className="primary">
          Save
        </button>
      </form>
    </section>
  );
}

function Members({ organisationId }: { organisationId: string }) {
  const { api, me } = useSession();
  const base = `/api/v1/organisations/${organisationId}/members`;
  const members = useApiQuery<{ items: Member[] }>(base);
  const [error, setError] = useState<ApiError>();
  const act = async (action: () => Promise<unknown>) => {
    setError(undefined);
    try {
      await action();
      void members.refetch();
    } catch (e) {
      setError(asApiError(e));
    }
  };
  return (
    <section aria-labelledby="org-members">
      <h2 id="org-members">Members</h2>
      <ErrorSummary error={error ?? members.error} />
      <div className="table-wrap">
        <table>
          <caption className="visually-hidden">Members and their roles</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">E-mail</th>
              <th scope="col">Role</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {members.data?.items.map((m) => (
              <tr key={m.userId}>
                <td>{m.name || '—'}</td>
                <td>{m.email}</td>
                <td>
                  <select
                    aria-label={`Role of ${m.email}`}
                    value={m.role}
                    onChange={(e) => void act(() => api.patch(`${base}/${m.userId}`, { role: e.target.value }))}
                  >
                    {ROLES.map((r) => (
                      <option key={r}>{r}</option>
                    ))}
                  </select>
                </td>
                <td>
                  {m.userId !== me?.user.id ? (
                    <button type="button" className="danger small" onClick={() => void act(() => api.delete(`${base}/${m.userId}`))}>
                      Remove<span className="visually-hidden"> {m.email}</span>
                    </button>
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <InviteMember organisationId={organisationId} onChanged={() => void members.refetch()} />
    </section>
  );
}

/**
 * Invites a colleague by e-mail with a role: she chooses her own password from the link (nobody sets
 * it for her). Pending invitations are listed with a way to withdraw them or send them again.
 */
function InviteMember({ organisationId, onChanged }: { organisationId: string; onChanged(): void }) {
  const { api } = useSession();
  const base = `/api/v1/organisations/${organisationId}/invitations`;
  const invitations = useApiQuery<{ items: Invitation[] }>(base);
  const empty = { email: '', name: '', role: 'issuer' as Role };
  const [form, setForm] = useState(empty);
  const [error, setError] = useState<ApiError>();
  const [sent, setSent] = useState<string>();
  const [busy, setBusy] = useState(false);
  const send = async (body: { email: string; role: Role; name?: string }) => {
    if (busy) return;
    setBusy(true);
    setError(undefined);
    setSent(undefined);
    try {
      await api.post(base, body);
      setSent(body.email);
      setForm(empty);
      void invitations.refetch();
      onChanged();
    } catch (e) {
      setError(asApiError(e));
    } finally {
      setBusy(false);
    }
  };
  const withdraw = async (id: string) => {
    setError(undefined);
    try {
      await api.delete(`${base}/${id}`);
      void invitations.refetch();
    } catch (e) {
      setError(asApiError(e));
    }
  };
  const pending = invitations.data?.items ?? [];
  return (
    <>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void send({ email: form.email, role: form.role, ...(form.name ? { name: form.name } : {}) });
        }}
        noValidate
        className="form inline-form"
        aria-labelledby="invite-member"
      >
        <h3 id="invite-member">Invite a colleague</h3>
        <p className="hint">They get an e-mail with a link to join as the role you choose, and pick their own password. The link works for 7 days.</p>
        {sent ? <Notice tone="success">Invitation sent to {sent}.</Notice> : null}
        <ErrorSummary error={error} />
        <div className="grid">
          <Field id="member-email" label="E-mail address" required error={error?.fieldMessage('/email')}>
            {(p) => <input {...p} type="email" value={form.email} onChange={(e) => setForm({ ...form, email: e.target.value })} />}
          </Field>
          <Field id="member-name" label="Name" error={error?.fieldMessage('/name')}>
            {(p) => <input {...p} value={form.name} onChange={(e) => setForm({ ...form, name: e.target.value })} />}
          </Field>
          <Field id="member-role" label="Role" error={error?.fieldMessage('/role')}>
            {(p) => (
              <select {...p} value={form.role} onChange={(e) => setForm({ ...form, role: e.target.value as Role })}>
                {ROLES.map((r) => (
                  <option key={r}>{r}</option>
                ))}
              </select>
            )}
          </Field>
        </div>
        <button type="submit" disabled={busy}>
          {busy ? 'Sending…' : 'Send invitation'}
        </button>
      </form>
      {pending.length > 0 ? (
        <section aria-labelledby="pending-invitations">
          <h3 id="pending-invitations">Invitations not yet accepted</h3>
          <ul className="plain-list" data-testid="invitations">
            {pending.map((i) => (
              <li key={i.id}>
                <span className="wrap">{i.email}</span> as {i.role} — {i.expired ? 'expired' : `until ${new Date(i.expiresAt).toLocaleDateString()}`}{' '}
                {i.expired ? (
                  <button type="button" className="small" onClick={() => void send({ email: i.email, role: i.role, ...(i.name ? { name: i.name } : {}) })}>
                    Send again<span className="visually-hidden"> to {i.email}</span>
                  </button>
                ) : null}{' '}
                <button type="button" className="danger small" onClick={() => void withdraw(i.id)}>
                  Withdraw<span className="visually-hidden"> the invitation of {i.email}</span>
                </button>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
    </>
  );
}

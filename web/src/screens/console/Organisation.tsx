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
import type { Member, Organisation, Role } from '../../api-types.ts';
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
      <AddMember base={base} onAdded={() => void members.refetch()} />
    </section>
  );
}

function AddMember({ base, onAdded }: { base: string; onAdded(): void }) {
  const { api } = useSession();
  const empty = { email: '', name: '', role: 'issuer' as Role, password: '' };
  const [form, setForm] = useState(empty);
  const [error, setError] = useState<ApiError>();
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(undefined);
    try {
      await api.post(base, { email: form.email, role: form.role, name: form.name || undefined, password: form.password || undefined });
      setForm(empty);
      onAdded();
    } catch (e) {
      setError(asApiError(e));
    }
  };
  return (
    <form onSubmit={guarded(submit)} noValidate className="form inline-form" aria-labelledby="add-member">
      <h3 id="add-member">Add a member</h3>
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
        <Field id="member-password" label="Initial password" hint="For a new account (at least 10 characters); leave empty for an existing user." error={error?.fieldMessage('/password')}>
          {(p) => <input {...p} type="password" autoComplete="new-password" value={form.password} onChange={(e) => setForm({ ...form, password: e.target.value })} />}
        </Field>
      </div>
      <button type="submit">Add member</button>
    </form>
  );
}

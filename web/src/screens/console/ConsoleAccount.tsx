import { useState } from 'react';
import type { FormEvent } from 'react';
import { asApiError } from '../../api.ts';
import type { ApiError } from '../../api.ts';
import { changePassword } from '../../api/accounts.ts';
import { ErrorSummary } from '../../components/ErrorSummary.tsx';
import { Field } from '../../components/Field.tsx';
import { Notice } from '../../components/Notice.tsx';
import { Screen } from '../../components/Screen.tsx';
import { useSession, useSignOut } from '../../session.tsx';

/** The signed-in staff member's own account: change the password (the current one is required). */
export function ConsoleAccountScreen() {
  const { api, me, refresh } = useSession();
  const signOut = useSignOut();
  const [form, setForm] = useState({ currentPassword: '', newPassword: '' });
  const [error, setError] = useState<ApiError>();
  const [done, setDone] = useState(false);
  const [busy, setBusy] = useState(false);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    setBusy(true);
    setError(undefined);
    setDone(false);
    try {
      await changePassword(api, form);
      await refresh();
      setForm({ currentPassword: '', newPassword: '' });
      setDone(true);
    } catch (e) {
      setError(asApiError(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Screen title="Your account">
      <p>
        Signed in as <strong className="wrap">{me?.user.email}</strong>.
      </p>
      <section aria-labelledby="change-password">
        <h2 id="change-password">Change your password</h2>
        {done ? (
          <Notice tone="success">Your password is changed. You are still signed in here, and signed out on every other device.</Notice>
        ) : null}
        <ErrorSummary error={error} title="The password was not changed" />
        <form onSubmit={(e) => void submit(e)} noValidate className="form narrow">
          <Field id="current-password" label="Current password" error={error?.fieldMessage('/currentPassword')}>
            {(p) => <input {...p} type="password" autoComplete="current-password" value={form.currentPassword} onChange={(e) => setForm({ ...form, currentPassword: e.target.value })} required />}
          </Field>
          <Field id="new-password" label="New password" hint="At least 10 characters." error={error?.fieldMessage('/newPassword')}>
            {(p) => <input {...p} type="password" autoComplete="new-password" value={form.newPassword} onChange={(e) => setForm({ ...form, newPassword: e.target.value })} required />}
          </Field>
          <button type="submit" className="primary" disabled={busy}>
            {busy ? 'Saving…' : 'Change password'}
          </button>
        </form>
      </section>
      <section aria-labelledby="sessions">
        <h2 id="sessions">Devices</h2>
        <p>Signed in on a computer you no longer use? End every session of your account, here and on every other device.</p>
        <button type="button" onClick={() => void signOut(true)}>
          Sign out everywhere
        </button>
      </section>
    </Screen>
  );
}

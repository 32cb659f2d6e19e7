import { useState } from 'react';
import type { FormEvent } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { asApiError } from '../../api.ts';
import type { ApiError } from '../../api.ts';
import { resetPassword } from '../../api/accounts.ts';
import { ErrorSummary } from '../../components/ErrorSummary.tsx';
import { Field } from '../../components/Field.tsx';
import { Screen } from '../../components/Screen.tsx';
import { useSession } from '../../session.tsx';

/** The page a reset link opens: choose a new password; every other session ends and this one signs in. */
export function ResetPasswordScreen() {
  const { token = '' } = useParams();
  const { api, refresh } = useSession();
  const navigate = useNavigate();
  const [password, setPassword] = useState('');
  const [error, setError] = useState<ApiError>();
  const [busy, setBusy] = useState(false);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    setBusy(true);
    setError(undefined);
    try {
      await resetPassword(api, token, password);
      await refresh();
      navigate('/console/credentials?password=reset');
    } catch (e) {
      setError(asApiError(e));
    } finally {
      setBusy(false);
    }
  };
  const linkGone = error?.fieldMessage('/token');
  return (
    <main id="main" className="bare">
      <Screen title="Choose a new password">
        <ErrorSummary error={error} title="The password was not changed" />
        {linkGone ? (
          <p>
            <Link to="/forgot-password">Ask for a new link</Link>
          </p>
        ) : null}
        <form onSubmit={(e) => void submit(e)} noValidate className="form narrow">
          <Field id="password" label="New password" hint="At least 10 characters. You will be signed out on every other device." error={error?.fieldMessage('/password')}>
            {(p) => <input {...p} type="password" value={password} onChange={(e) => setPassword(e.target.value)} autoComplete="new-password" required />}
          </Field>
          <button type="submit" className="primary" disabled={busy}>
            {busy ? 'Saving…' : 'Save the new password'}
          </button>
        </form>
      </Screen>
    </main>
  );
}

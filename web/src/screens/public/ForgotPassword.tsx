import { useState } from 'react';
import type { FormEvent } from 'react';
import { Link } from 'react-router';
import { asApiError } from '../../api.ts';
import type { ApiError } from '../../api.ts';
import { requestPasswordReset } from '../../api/accounts.ts';
import { ErrorSummary } from '../../components/ErrorSummary.tsx';
import { Field } from '../../components/Field.tsx';
import { Notice } from '../../components/Notice.tsx';
import { Screen } from '../../components/Screen.tsx';
import { useSession } from '../../session.tsx';

/**
 * Asks for a reset link. The answer is the same whether the address has an account or not, so the
 * page says what happens in both cases instead of confirming either.
 */
export function ForgotPasswordScreen() {
  const { api } = useSession();
  const [email, setEmail] = useState('');
  const [sentTo, setSentTo] = useState<string>();
  const [error, setError] = useState<ApiError>();
  const [busy, setBusy] = useState(false);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    setBusy(true);
    setError(undefined);
    try {
      await requestPasswordReset(api, email);
      setSentTo(email);
    } catch (e) {
      setError(asApiError(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <main id="main" className="bare">
      <Screen title="Reset your password">
        {sentTo ? (
          <Notice tone="success">
            <p>
              If <strong className="wrap">{sentTo}</strong> has a microcred account, a link to choose a new password is on its way. It works once, for one hour.
            </p>
            <p>No e-mail after a few minutes? Check the spam folder, or the address you typed.</p>
          </Notice>
        ) : (
          <>
            <p>Type the e-mail address you sign in with. We will send a link to choose a new password.</p>
            <ErrorSummary error={error} title="The link could not be sent" />
            <form onSubmit={(e) => void submit(e)} noValidate className="form narrow">
              <Field id="email" label="E-mail address" error={error?.fieldMessage('/email')}>
                {(p) => <input {...p} type="email" value={email} onChange={(e) => setEmail(e.target.value)} autoComplete="username" required />}
              </Field>
              <button type="submit" className="primary" disabled={busy}>
                {busy ? 'Sending…' : 'Send the link'}
              </button>
            </form>
          </>
        )}
        <p>
          <Link to="/login">Back to sign in</Link>
        </p>
      </Screen>
    </main>
  );
}

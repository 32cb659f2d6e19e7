import { useEffect, useState } from 'react';
import type { FormEvent } from 'react';
import { asApiError } from '../../api.ts';
import type { ApiError } from '../../api.ts';
import { signIn } from '../../api/accounts.ts';
import { ErrorSummary } from '../../components/ErrorSummary.tsx';
import { Field } from '../../components/Field.tsx';
import { Screen } from '../../components/Screen.tsx';
import { Link, useLocation, useNavigate } from 'react-router';
import { useSession } from '../../session.tsx';
import { guarded } from '../../submit.ts';

/** Only same-site console paths are followed after sign-in (no open redirect). */
function safeNext(search: string): string {
  const next = new URLSearchParams(search).get('next');
  return next && /^\/(console\/|wallet(\/|$)|claim\/|oauth\/interaction\/[A-Za-z0-9_-]+$|oid4vci\/[0-9a-f-]{36}\/authorize\?)/.test(next) ? next : '/console/credentials';
}

/** The consent screens (OB 3.0 API, OpenID4VCI) are served by the server, not the app: reached by a full page load. */
function isServerPage(path: string): boolean {
  return path.startsWith('/oauth/') || path.startsWith('/oid4vci/');
}

export function LoginScreen() {
  const { api, refresh } = useSession();
  const navigate = useNavigate();
  const location = useLocation();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<ApiError>();
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    api.get<{ needsSetup: boolean }>('/api/v1/setup').then(
      (r) => {
        if (r.needsSetup) navigate('/setup', { replace: true });
      },
      () => undefined,
    );
  }, [api, navigate]);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await signIn(api, { email, password });
      await refresh();
      const next = safeNext(location.search);
      if (isServerPage(next)) window.location.assign(next);
      else navigate(next);
    } catch (e) {
      setError(asApiError(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <main id="main" className="bare">
      <Screen title="Sign in to microcred">
        <ErrorSummary error={error} title="Could not sign in" />
        <form onSubmit={guarded(submit)} noValidate className="form narrow">
          <Field id="email" label="E-mail address" error={error?.fieldMessage('/email')}>
            {(p) => <input {...p} type="email" value={email} onChange={(e) => setEmail(e.target.value)} autoComplete="username" required />}
          </Field>
          <Field id="password" label="Password" error={error?.fieldMessage('/password')}>
            {(p) => <input {...p} type="password" value={password} onChange={(e) => setPassword(e.target.value)} autoComplete="current-password" required />}
          </Field>
          <button type="submit" className="primary" disabled={busy}>
            {busy ? 'Signing in…' : 'Sign in'}
          </button>
        </form>
        <p>
          <Link to="/forgot-password">Forgot your password?</Link>
        </p>
        <p>
          New here? <Link to={`/signup${location.search}`}>Create a wallet</Link> to keep, share and verify your credentials.
        </p>
      </Screen>
    </main>
  );
}

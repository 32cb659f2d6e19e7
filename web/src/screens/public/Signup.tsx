import { useState } from 'react';
import type { FormEvent } from 'react';
import { asApiError } from '../../api.ts';
import type { ApiError } from '../../api.ts';
import { signIn } from '../../api/accounts.ts';
import { signup } from '../../api/learners.ts';
import { ErrorSummary } from '../../components/ErrorSummary.tsx';
import { Field } from '../../components/Field.tsx';
import { Screen } from '../../components/Screen.tsx';
import { PublicLayout } from '../../components/WalletLayout.tsx';
import { Link, useLocation, useNavigate } from 'react-router';
import { useSession } from '../../session.tsx';
import { useSessionReady } from '../../session-ready.ts';
import { guarded } from '../../submit.ts';

/** Where to go after signing up or in: only the learner's own pages (no open redirect). */
export function learnerNext(search: string, fallback = '/wallet'): string {
  const next = new URLSearchParams(search).get('next');
  if (!next || next.startsWith('//')) return fallback;
  return next === '/wallet' || next.startsWith('/wallet/') || next.startsWith('/claim/') ? next : fallback;
}

/** The sign-up form, also used inline by the claim page. */
export function SignupForm({ onDone, email: initialEmail = '' }: { onDone(): void; email?: string }) {
  const { api, refresh } = useSession();
  const ready = useSessionReady();
  const [form, setForm] = useState({ name: '', email: initialEmail, password: '' });
  const [error, setError] = useState<ApiError>();
  const [sentTo, setSentTo] = useState<string>();
  const [busy, setBusy] = useState(false);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    setSentTo(undefined);
    try {
      await ready();
      // Sign-up answers the same whether or not the address has an account (so it tells no one which
      // addresses do); the new account is then signed in with the password just chosen.
      const { email } = await signup(api, { ...form, name: form.name || undefined });
      try {
        await signIn(api, { email, password: form.password });
      } catch (signin) {
        if (asApiError(signin).status !== 401) throw signin;
        setSentTo(email);
        return;
      }
      await refresh();
      onDone();
    } catch (e) {
      setError(asApiError(e));
    } finally {
      setBusy(false);
    }
  };
  const set = (key: keyof typeof form) => (e: { target: { value: string } }) => setForm({ ...form, [key]: e.target.value });
  return (
    <>
      <ErrorSummary error={error} title="Could not create the account" />
      {sentTo && (
        <div role="status" className="notice">
          <p>
            We sent a message to <strong>{sentTo}</strong>. If this address already has an account, sign in with its
            password instead; the message tells its owner what happened.
          </p>
        </div>
      )}
      <form onSubmit={guarded(submit)} noValidate className="form narrow" aria-label="Create an account">
        <Field id="signup-name" label="Your name" hint="As it should appear on certificates you share." error={error?.fieldMessage('/name')}>
          {(p) => <input {...p} value={form.name} onChange={set('name')} autoComplete="name" />}
        </Field>
        <Field id="signup-email" label="E-mail address" required error={error?.fieldMessage('/email')}>
          {(p) => <input {...p} type="email" value={form.email} onChange={set('email')} autoComplete="email" required />}
        </Field>
        <Field id="signup-password" label="Choose a password" hint="At least 10 characters." required error={error?.fieldMessage('/password')}>
          {(p) => <input {...p} type="password" value={form.password} onChange={set('password')} autoComplete="new-password" required />}
        </Field>
        <button type="submit" className="primary" disabled={busy}>
          {busy ? 'Creating…' : 'Create account'}
        </button>
      </form>
    </>
  );
}

/** The sign-in form for learners (the claim page shows it beside sign-up). */
export function SigninForm({ onDone }: { onDone(): void }) {
  const { api, refresh } = useSession();
  const ready = useSessionReady();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<ApiError>();
  const [busy, setBusy] = useState(false);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await ready();
      await signIn(api, { email, password });
      await refresh();
      onDone();
    } catch (e) {
      setError(asApiError(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <ErrorSummary error={error} title="Could not sign in" />
      <form onSubmit={guarded(submit)} noValidate className="form narrow" aria-label="Sign in">
        <Field id="signin-email" label="E-mail address" error={error?.fieldMessage('/email')}>
          {(p) => <input {...p} type="email" value={email} onChange={(e) => setEmail(e.target.value)} autoComplete="username" required />}
        </Field>
        <Field id="signin-password" label="Password" error={error?.fieldMessage('/password')}>
          {(p) => <input {...p} type="password" value={password} onChange={(e) => setPassword(e.target.value)} autoComplete="current-password" required />}
        </Field>
        <button type="submit" className="primary" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </>
  );
}

export function SignupScreen() {
  const navigate = useNavigate();
  const location = useLocation();
  const next = learnerNext(location.search);
  return (
    <PublicLayout>
      <Screen title="Create your wallet" intro="Keep your credentials in one place, check them, and share them with a link. We send a link to confirm your address.">
        <SignupForm onDone={() => navigate(next)} />
        <p>
          Already have an account? <Link to={`/login?next=${encodeURIComponent(next)}`}>Sign in</Link>.
        </p>
      </Screen>
    </PublicLayout>
  );
}

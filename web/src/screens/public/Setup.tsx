import { useEffect, useState } from 'react';
import type { FormEvent } from 'react';
import { asApiError } from '../../api.ts';
import type { ApiError } from '../../api.ts';
import { ErrorSummary } from '../../components/ErrorSummary.tsx';
import { Field } from '../../components/Field.tsx';
import { Notice } from '../../components/Notice.tsx';
import { Screen } from '../../components/Screen.tsx';
import { useNavigate } from 'react-router';
import { useSession } from '../../session.tsx';
import { guarded } from '../../submit.ts';

/** First run: creates the first organisation, its default issuer and its owner. */
export function SetupScreen() {
  const { api, refresh } = useSession();
  const navigate = useNavigate();
  const [needsSetup, setNeedsSetup] = useState<boolean>();
  const [form, setForm] = useState({ organisationName: '', name: '', email: '', password: '' });
  const [error, setError] = useState<ApiError>();
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    api.get<{ needsSetup: boolean }>('/api/v1/setup').then(
      (r) => setNeedsSetup(r.needsSetup),
      (e: unknown) => setError(asApiError(e)),
    );
  }, [api]);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const body = { ...form, name: form.name || undefined };
      const result = await api.post<{ csrfToken: string }>('/api/v1/setup', body);
      api.setCsrfToken(result.csrfToken);
      await refresh();
      navigate('/console/organisation');
    } catch (e) {
      setError(asApiError(e));
    } finally {
      setBusy(false);
    }
  };
  const set = (key: keyof typeof form) => (e: { target: { value: string } }) => setForm({ ...form, [key]: e.target.value });

  return (
    <main id="main" className="bare">
      <Screen title="Set up microcred" intro="Create your organisation and its first administrator. You can add issuers, members and keys afterwards.">
        {needsSetup === false ? (
          <Notice tone="warning">
            This server is already set up. <a href="/login">Sign in</a> instead.
          </Notice>
        ) : null}
        <ErrorSummary error={error} />
        <form onSubmit={guarded(submit)} noValidate className="form narrow">
          <Field id="organisationName" label="Organisation name" required error={error?.fieldMessage('/organisationName')}>
            {(p) => <input {...p} value={form.organisationName} onChange={set('organisationName')} autoComplete="organization" required />}
          </Field>
          <Field id="name" label="Your name" error={error?.fieldMessage('/name')}>
            {(p) => <input {...p} value={form.name} onChange={set('name')} autoComplete="name" />}
          </Field>
          <Field id="email" label="Your e-mail address" required error={error?.fieldMessage('/email')}>
            {(p) => <input {...p} type="email" value={form.email} onChange={set('email')} autoComplete="email" required />}
          </Field>
          <Field id="password" label="Password" hint="At least 10 characters." required error={error?.fieldMessage('/password')}>
            {(p) => <input {...p} type="password" value={form.password} onChange={set('password')} autoComplete="new-password" required />}
          </Field>
          <button type="submit" className="primary" disabled={busy || needsSetup === false}>
            {busy ? 'Creating…' : 'Create organisation'}
          </button>
        </form>
      </Screen>
    </main>
  );
}

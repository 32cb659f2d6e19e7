import { useEffect, useState } from 'react';
import type { FormEvent } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { asApiError } from '../../api.ts';
import type { ApiError } from '../../api.ts';
import { acceptInvitation, previewInvitation } from '../../api/accounts.ts';
import type { InvitationPreview } from '../../api-types.ts';
import { ErrorSummary } from '../../components/ErrorSummary.tsx';
import { Field } from '../../components/Field.tsx';
import { Notice } from '../../components/Notice.tsx';
import { Screen } from '../../components/Screen.tsx';
import { useSession } from '../../session.tsx';

/**
 * The page an invitation link opens: who invites her, as what; a new person chooses her password, an
 * existing account confirms with its own. Accepting signs her in to the console.
 */
export function InvitationScreen() {
  const { token = '' } = useParams();
  const { api, refresh } = useSession();
  const navigate = useNavigate();
  const [preview, setPreview] = useState<InvitationPreview>();
  const [loadError, setLoadError] = useState<ApiError>();
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<ApiError>();
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    const controller = new AbortController();
    previewInvitation(api, token, { signal: controller.signal }).then(
      (p) => {
        setPreview(p);
        setName(p.name ?? '');
      },
      (e: unknown) => {
        if (!controller.signal.aborted) setLoadError(asApiError(e));
      },
    );
    return () => controller.abort();
  }, [api, token]);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    setBusy(true);
    setError(undefined);
    try {
      await acceptInvitation(api, token, { password, ...(preview?.hasAccount || !name ? {} : { name }) });
      await refresh();
      navigate('/console/credentials');
    } catch (e) {
      setError(asApiError(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <main id="main" className="bare">
      <Screen title={preview ? `Join ${preview.organisationName}` : 'Invitation'}>
        {loadError ? (
          <>
            <ErrorSummary error={loadError} title="This invitation cannot be used" />
            <p>Ask the person who invited you to send a new invitation.</p>
          </>
        ) : null}
        {!preview && !loadError ? <Notice>Loading…</Notice> : null}
        {preview ? (
          <>
            <p>
              You are invited to join <strong>{preview.organisationName}</strong> on microcred as <strong>{preview.role}</strong>, with the address{' '}
              <strong className="wrap">{preview.email}</strong>.
            </p>
            <ErrorSummary error={error} title="The invitation was not accepted" />
            <form onSubmit={(e) => void submit(e)} noValidate className="form narrow">
              {preview.hasAccount ? (
                <Field id="password" label="Your password" hint="This address already has a microcred account: confirm with its password." error={error?.fieldMessage('/password')}>
                  {(p) => <input {...p} type="password" value={password} onChange={(e) => setPassword(e.target.value)} autoComplete="current-password" required />}
                </Field>
              ) : (
                <>
                  <Field id="name" label="Your name" error={error?.fieldMessage('/name')}>
                    {(p) => <input {...p} value={name} onChange={(e) => setName(e.target.value)} autoComplete="name" />}
                  </Field>
                  <Field id="password" label="Choose a password" hint="At least 10 characters. Only you will know it." error={error?.fieldMessage('/password')}>
                    {(p) => <input {...p} type="password" value={password} onChange={(e) => setPassword(e.target.value)} autoComplete="new-password" required />}
                  </Field>
                </>
              )}
              <button type="submit" className="primary" disabled={busy}>
                {busy ? 'Joining…' : 'Accept and join'}
              </button>
            </form>
            {preview.hasAccount ? (
              <p>
                Forgot it? <Link to="/forgot-password">Reset your password</Link>, then open this invitation again.
              </p>
            ) : null}
          </>
        ) : null}
      </Screen>
    </main>
  );
}

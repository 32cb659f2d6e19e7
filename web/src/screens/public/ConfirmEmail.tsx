import { useEffect, useRef, useState } from 'react';
import { asApiError } from '../../api.ts';
import type { ApiError } from '../../api.ts';
import { ErrorSummary } from '../../components/ErrorSummary.tsx';
import { Notice } from '../../components/Notice.tsx';
import { Screen } from '../../components/Screen.tsx';
import { PublicLayout } from '../../components/WalletLayout.tsx';
import { Link, useParams } from 'react-router';
import { useSession } from '../../session.tsx';
import { useSessionReady } from '../../session-ready.ts';

/** The e-mail confirmation link: confirms once on opening (the token is the proof). */
export function ConfirmEmailScreen() {
  const params = useParams();
  const { api } = useSession();
  const ready = useSessionReady();
  const [email, setEmail] = useState<string>();
  const [error, setError] = useState<ApiError>();
  const sent = useRef(false);
  useEffect(() => {
    // Strict mode mounts twice in development; the token is used once.
    if (sent.current) return;
    sent.current = true;
    ready()
      .then(() => api.post<{ email: string }>('/api/v1/auth/confirm-email', { token: params.token ?? '' }))
      .then(
      (r) => setEmail(r.email),
      (e: unknown) => setError(asApiError(e)),
    );
    // Once per token; `ready` changes when the session loads.
  }, [params.token]);
  return (
    <PublicLayout>
      <Screen title="Confirm your e-mail address">
        <ErrorSummary error={error} title="The address was not confirmed" />
        {email ? (
          <Notice tone="success">
            <p>
              <strong className="wrap">{email}</strong> is confirmed. Credentials issued to it are offered in your wallet.
            </p>
          </Notice>
        ) : null}
        {!email && !error ? <Notice>Confirming…</Notice> : null}
        <p>
          <Link to="/wallet">Go to your wallet</Link>
        </p>
      </Screen>
    </PublicLayout>
  );
}

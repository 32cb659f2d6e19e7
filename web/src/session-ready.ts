import { useCallback } from 'react';
import { useSession } from './session.tsx';

/**
 * Public pages post without having loaded the session, but a visitor who is signed in sends the session
 * cookie, and the server then wants that session's CSRF token on every change. Call the returned
 * function before posting: it loads the session (and so the token) when it is not known yet.
 */
export function useSessionReady(): () => Promise<void> {
  const { me, refresh } = useSession();
  return useCallback(async () => {
    if (!me) await refresh();
  }, [me, refresh]);
}

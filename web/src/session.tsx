/** The signed-in user, their organisations and the one being worked on, and the API client. */
import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState } from 'react';
import type { ReactNode } from 'react';
import { ApiClient } from './api.ts';
import { useQueryClient } from '@tanstack/react-query';
import { useNavigate } from 'react-router';
import type { Me, Membership } from './api-types.ts';

interface Session {
  api: ApiClient;
  me: Me | undefined;
  /** The organisation the console works on. */
  membership: Membership | undefined;
  setMe(me: Me | undefined): void;
  selectOrganisation(organisationId: string): void;
  /** Reloads /me (after sign-in, or to find out whether there is a session); false when signed out. */
  refresh(): Promise<boolean>;
}

const SessionContext = createContext<Session | undefined>(undefined);
const ORG_KEY = 'microcred.organisation';

export function SessionProvider({ children, api }: { children: ReactNode; api: ApiClient }) {
  const [me, setMeState] = useState<Me | undefined>();
  const [orgId, setOrgId] = useState<string | null>(() => window.localStorage.getItem(ORG_KEY));
  const queries = useQueryClient();
  const userId = useRef<string | undefined>(undefined);

  const setMe = useCallback(
    (next: Me | undefined) => {
      api.setCsrfToken(next?.csrfToken);
      // What one user loaded is never shown to the next one on this browser (signing in keeps what a
      // visitor loaded on a public page, which is no one's).
      if (userId.current !== undefined && next?.user.id !== userId.current) queries.clear();
      userId.current = next?.user.id;
      setMeState(next);
    },
    [api, queries],
  );

  // A session that ends elsewhere (expiry, "sign out everywhere" on another device) sends the
  // console back through its sign-in check instead of leaving screens of 401 errors.
  useEffect(() => {
    api.onUnauthorized(() => setMe(undefined));
    return () => api.onUnauthorized(undefined);
  }, [api, setMe]);

  const refresh = useCallback(async () => {
    try {
      setMe(await api.get<Me>('/api/v1/me'));
      return true;
    } catch {
      setMe(undefined);
      return false;
    }
  }, [api, setMe]);

  const selectOrganisation = useCallback((organisationId: string) => {
    window.localStorage.setItem(ORG_KEY, organisationId);
    setOrgId(organisationId);
  }, []);

  const membership = me?.memberships.find((m) => m.organisationId === orgId) ?? me?.memberships[0];
  const value = useMemo(
    () => ({ api, me, membership, setMe, selectOrganisation, refresh }),
    [api, me, membership, setMe, selectOrganisation, refresh],
  );
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new TypeError('useSession() needs a <SessionProvider> above it.');
  return session;
}

/** The organisation the console works on; screens under /console only render once it is known. */
export function useOrganisation(): Membership {
  const { membership } = useSession();
  if (!membership) throw new TypeError('useOrganisation() is only available inside the console.');
  return membership;
}

/** Signs out (this session, or every session of the user) and returns to the sign-in page. */
export function useSignOut(): (everywhere?: boolean) => Promise<void> {
  const { api, setMe } = useSession();
  const navigate = useNavigate();
  return useCallback(async (everywhere = false) => {
    await api.post(everywhere ? '/api/v1/auth/logout-all' : '/api/v1/auth/logout').catch(() => undefined);
    setMe(undefined);
    await navigate('/login');
  }, [api, setMe, navigate]);
}

/** Routes: /setup, /login, the console under /console/*, the learner's wallet under /wallet/* and the public pages (/signup, /confirm-email, /claim, /verify). */
import { useEffect } from 'react';
import type { ComponentType } from 'react';
import { ConsoleLayout } from './components/ConsoleLayout.tsx';
import { Notice } from './components/Notice.tsx';
import { matchPath, Redirect, useRouter } from './router.tsx';
import { useSession } from './session.tsx';
import { AchievementEditorScreen } from './screens/console/AchievementEditor.tsx';
import { AchievementsScreen } from './screens/console/Achievements.tsx';
import { ApiKeysScreen } from './screens/console/ApiKeys.tsx';
import { AuditScreen } from './screens/console/Audit.tsx';
import { BulkScreen } from './screens/console/Bulk.tsx';
import { CredentialsScreen } from './screens/console/Credentials.tsx';
import { IssueScreen } from './screens/console/Issue.tsx';
import { IssuersScreen } from './screens/console/Issuers.tsx';
import { LoginScreen } from './screens/public/Login.tsx';
import { NotFoundScreen } from './screens/public/NotFound.tsx';
import { OrganisationScreen } from './screens/console/Organisation.tsx';
import { OutboxScreen } from './screens/console/Outbox.tsx';
import { PathwayDesignerScreen } from './screens/console/PathwayDesigner.tsx';
import { PathwayFlagsScreen, PathwaysScreen, TrustedIssuersScreen } from './screens/console/Pathways.tsx';
import { ProgrammeScreen, ProgrammesScreen } from './screens/recognition/Programmes.tsx';
import { RecognitionDecisionScreen, RecognitionQueueScreen } from './screens/recognition/RecognitionQueue.tsx';
import { RplCaseReviewScreen, RplQueueScreen } from './screens/recognition/RplQueue.tsx';
import { SetupScreen } from './screens/public/Setup.tsx';
import { WalletArea, publicRoute } from './wallet-routes.tsx';

type Params = Record<string, string>;

const CONSOLE_ROUTES: { path: string; screen: ComponentType<{ params: Params }> }[] = [
  { path: '/console/credentials', screen: CredentialsScreen },
  { path: '/console/issue', screen: IssueScreen },
  { path: '/console/bulk', screen: BulkScreen },
  { path: '/console/achievements', screen: AchievementsScreen },
  { path: '/console/achievements/new', screen: AchievementEditorScreen },
  { path: '/console/achievements/:id', screen: AchievementEditorScreen },
  { path: '/console/pathways', screen: PathwaysScreen },
  { path: '/console/pathways/new', screen: PathwayDesignerScreen },
  { path: '/console/pathways/trusted-issuers', screen: TrustedIssuersScreen },
  { path: '/console/pathways/flags', screen: PathwayFlagsScreen },
  { path: '/console/pathways/:id', screen: PathwayDesignerScreen },
  { path: '/console/recognition', screen: RecognitionQueueScreen },
  { path: '/console/recognition/:requestId', screen: RecognitionDecisionScreen },
  { path: '/console/programmes', screen: ProgrammesScreen },
  { path: '/console/programmes/:id', screen: ProgrammeScreen },
  { path: '/console/issuers', screen: IssuersScreen },
  { path: '/console/organisation', screen: OrganisationScreen },
  { path: '/console/api-keys', screen: ApiKeysScreen },
  { path: '/console/outbox', screen: OutboxScreen },
  { path: '/console/audit', screen: AuditScreen },
  { path: '/console/rpl', screen: RplQueueScreen },
  { path: '/console/rpl/:caseId', screen: RplCaseReviewScreen },
];

function findConsoleRoute(pathname: string): { screen: ComponentType<{ params: Params }>; params: Params } | undefined {
  for (const route of CONSOLE_ROUTES) {
    const params = matchPath(route.path, pathname);
    if (params) return { screen: route.screen, params };
  }
  return undefined;
}

export function App() {
  const { location } = useRouter();
  const path = location.pathname.replace(/\/+$/, '') || '/';
  if (path === '/setup') return <SetupScreen />;
  if (path === '/login') return <LoginScreen />;
  if (path === '/' || path === '/console') return <Redirect to="/console/credentials" />;
  if (path.startsWith('/console/')) return <Console pathname={path} />;
  if (path === '/wallet' || path.startsWith('/wallet/')) return <WalletArea pathname={path} />;
  const page = publicRoute(path);
  if (page) return page;
  return (
    <main id="main" className="bare">
      <NotFoundScreen />
    </main>
  );
}

/** Signed-in area: loads the session once, sends visitors to sign in (or to setup on a fresh server). */
function Console({ pathname }: { pathname: string }) {
  const { me, membership, refresh, api } = useSession();
  const { navigate } = useRouter();
  useEffect(() => {
    if (me) return;
    let live = true;
    void (async () => {
      // refresh() stores the user on success, which re-renders this with `me` set.
      if (await refresh()) return;
      const setup = await api.get<{ needsSetup: boolean }>('/api/v1/setup').catch(() => ({ needsSetup: false }));
      if (!live) return;
      const next = setup.needsSetup ? '/setup' : `/login?next=${encodeURIComponent(pathname)}`;
      navigate(next, { replace: true });
    })();
    return () => {
      live = false;
    };
  }, [me, refresh, api, navigate, pathname]);

  if (!me) {
    return (
      <main id="main" className="bare">
        <Notice>Loading…</Notice>
      </main>
    );
  }
  // A learner (no organisation) signing in lands in the console's default path: their wallet is the place.
  if (!membership) return <Redirect to="/wallet" />;
  const route = findConsoleRoute(pathname);
  const ScreenComponent = route?.screen ?? NotFoundScreen;
  return (
    <ConsoleLayout>
      <ScreenComponent key={membership.organisationId + pathname} params={route?.params ?? {}} />
    </ConsoleLayout>
  );
}

/** The learner's routes: the signed-in wallet under /wallet/* and the public pages. */
import { useEffect } from 'react';
import type { ComponentType, ReactElement } from 'react';
import { Notice } from './components/Notice.tsx';
import { WalletLayout } from './components/WalletLayout.tsx';
import { matchPath, useRouter } from './router.tsx';
import { AccountScreen } from './screens/wallet/Account.tsx';
import { ClaimScreen } from './screens/public/Claim.tsx';
import { CollectionsScreen } from './screens/wallet/Collections.tsx';
import { ConfirmEmailScreen } from './screens/public/ConfirmEmail.tsx';
import { ImportScreen } from './screens/wallet/Import.tsx';
import { NotFoundScreen } from './screens/public/NotFound.tsx';
import { SignupScreen } from './screens/public/Signup.tsx';
import { VerifyScreen } from './screens/verifier/Verify.tsx';
import { WalletPathwayScreen, WalletPathwaysScreen } from './screens/wallet/WalletPathways.tsx';
import { WalletScreen } from './screens/wallet/Wallet.tsx';
import { WalletCredentialScreen } from './screens/wallet/WalletCredential.tsx';
import { WalletRecognitionRequestScreen, WalletRecognitionScreen } from './screens/wallet/WalletRecognition.tsx';
import { WalletRplCaseScreen, WalletRplScreen } from './screens/wallet/WalletRpl.tsx';
import { useSession } from './session.tsx';

type Params = Record<string, string>;
type Route = { path: string; screen: ComponentType<{ params: Params }> };

const WALLET_ROUTES: Route[] = [
  { path: '/wallet', screen: WalletScreen },
  { path: '/wallet/credentials/:id', screen: WalletCredentialScreen },
  { path: '/wallet/import', screen: ImportScreen },
  { path: '/wallet/collections', screen: CollectionsScreen },
  { path: '/wallet/pathways', screen: WalletPathwaysScreen },
  { path: '/wallet/pathways/:id', screen: WalletPathwayScreen },
  { path: '/wallet/recognition', screen: WalletRecognitionScreen },
  { path: '/wallet/recognition/:requestId', screen: WalletRecognitionRequestScreen },
  { path: '/wallet/rpl', screen: WalletRplScreen },
  { path: '/wallet/rpl/:caseId', screen: WalletRplCaseScreen },
  { path: '/wallet/account', screen: AccountScreen },
];

const PUBLIC_ROUTES: Route[] = [
  { path: '/signup', screen: SignupScreen },
  { path: '/confirm-email/:token', screen: ConfirmEmailScreen },
  { path: '/claim/:token', screen: ClaimScreen },
  { path: '/verify', screen: VerifyScreen },
];

function find(routes: Route[], pathname: string): { screen: Route['screen']; params: Params } | undefined {
  for (const route of routes) {
    const params = matchPath(route.path, pathname);
    if (params) return { screen: route.screen, params };
  }
  return undefined;
}

/** A public page for the path (each brings its own layout), or undefined. */
export function publicRoute(pathname: string): ReactElement | undefined {
  const route = find(PUBLIC_ROUTES, pathname);
  if (!route) return undefined;
  const ScreenComponent = route.screen;
  return <ScreenComponent key={pathname} params={route.params} />;
}

/** The signed-in wallet: loads the session once and sends visitors to sign in (or sign up) first. */
export function WalletArea({ pathname }: { pathname: string }) {
  const { me, refresh } = useSession();
  const { navigate } = useRouter();
  useEffect(() => {
    if (me) return;
    let live = true;
    void (async () => {
      if ((await refresh()) || !live) return;
      navigate(`/login?next=${encodeURIComponent(pathname)}`, { replace: true });
    })();
    return () => {
      live = false;
    };
  }, [me, refresh, navigate, pathname]);
  if (!me) {
    return (
      <main id="main" className="bare">
        <Notice>Loading…</Notice>
      </main>
    );
  }
  const route = find(WALLET_ROUTES, pathname);
  const ScreenComponent = route?.screen ?? NotFoundScreen;
  return (
    <WalletLayout>
      <ScreenComponent key={pathname} params={route?.params ?? {}} />
    </WalletLayout>
  );
}

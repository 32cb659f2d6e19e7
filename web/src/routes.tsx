/**
 * Every URL of the web app, as React Router routes: /setup and /login, the console under /console/*
 * (issuer staff; signed in, with an organisation), the learner's wallet under /wallet/* (signed in) and
 * the public pages (/signup, /confirm-email, /claim, /verify). Unknown paths get a "not found" screen,
 * inside the console's or the wallet's frame when they fall under it.
 */
import { Fragment, useEffect } from 'react';
import type { ReactNode } from 'react';
import { Navigate, Outlet, useLocation, useNavigate, useRouteError } from 'react-router';
import type { RouteObject } from 'react-router';
import { ConsoleLayout } from './components/ConsoleLayout.tsx';
import { Notice } from './components/Notice.tsx';
import { Screen } from './components/Screen.tsx';
import { WalletLayout } from './components/WalletLayout.tsx';
import { useSession } from './session.tsx';
import { AchievementEditorScreen } from './screens/console/AchievementEditor.tsx';
import { AchievementsScreen } from './screens/console/Achievements.tsx';
import { ApiKeysScreen } from './screens/console/ApiKeys.tsx';
import { IntegrationsScreen } from './screens/console/Integrations.tsx';
import { AuditScreen } from './screens/console/Audit.tsx';
import { BulkScreen } from './screens/console/Bulk.tsx';
import { CredentialDetailScreen } from './screens/console/CredentialDetail.tsx';
import { CredentialsScreen } from './screens/console/Credentials.tsx';
import { IssueScreen } from './screens/console/Issue.tsx';
import { IssuersScreen } from './screens/console/Issuers.tsx';
import { OrganisationScreen } from './screens/console/Organisation.tsx';
import { OutboxScreen } from './screens/console/Outbox.tsx';
import { PathwayDesignerScreen } from './screens/console/PathwayDesigner.tsx';
import { PathwayFlagsScreen, PathwaysScreen, TrustedIssuersScreen } from './screens/console/Pathways.tsx';
import { ClaimScreen } from './screens/public/Claim.tsx';
import { ForgotPasswordScreen } from './screens/public/ForgotPassword.tsx';
import { InvitationScreen } from './screens/public/Invitation.tsx';
import { ResetPasswordScreen } from './screens/public/ResetPassword.tsx';
import { ConsoleAccountScreen } from './screens/console/ConsoleAccount.tsx';
import { ConfirmEmailScreen } from './screens/public/ConfirmEmail.tsx';
import { LoginScreen } from './screens/public/Login.tsx';
import { NotFoundScreen } from './screens/public/NotFound.tsx';
import { SetupScreen } from './screens/public/Setup.tsx';
import { SignupScreen } from './screens/public/Signup.tsx';
import { ProgrammeScreen, ProgrammesScreen } from './screens/recognition/Programmes.tsx';
import { RecognitionDecisionScreen, RecognitionQueueScreen } from './screens/recognition/RecognitionQueue.tsx';
import { RplCaseReviewScreen, RplQueueScreen } from './screens/recognition/RplQueue.tsx';
import { VerifyScreen } from './screens/verifier/Verify.tsx';
import { AccountScreen } from './screens/wallet/Account.tsx';
import { CollectionsScreen } from './screens/wallet/Collections.tsx';
import { ImportScreen } from './screens/wallet/Import.tsx';
import { ExchangeCallbackScreen, ExchangeScreen } from './screens/wallet/Exchange.tsx';
import { WalletScreen } from './screens/wallet/Wallet.tsx';
import { WalletCredentialScreen } from './screens/wallet/WalletCredential.tsx';
import { WalletPathwayScreen, WalletPathwaysScreen } from './screens/wallet/WalletPathways.tsx';
import { WalletRecognitionRequestScreen, WalletRecognitionScreen } from './screens/wallet/WalletRecognition.tsx';
import { WalletRplCaseScreen, WalletRplScreen } from './screens/wallet/WalletRpl.tsx';

/** Every route, under one root whose error element catches what a screen throws while rendering. */
export const ROUTES: RouteObject[] = [{ errorElement: <RouteError />, children: screens() }];

function screens(): RouteObject[] {
  return [
    { path: '/', element: <Navigate to="/console/credentials" replace /> },
    { path: '/setup', element: <SetupScreen /> },
    { path: '/login', element: <LoginScreen /> },
    { path: '/forgot-password', element: <ForgotPasswordScreen /> },
    { path: '/reset-password/:token', element: <ResetPasswordScreen /> },
    { path: '/invitation/:token', element: <InvitationScreen /> },
    { path: '/console', element: <Navigate to="/console/credentials" replace /> },
    {
      element: <ConsoleArea />,
      children: [
        { path: '/console/credentials', element: <CredentialsScreen /> },
        { path: '/console/credentials/:id', element: <CredentialDetailScreen /> },
        { path: '/console/issue', element: <IssueScreen /> },
        { path: '/console/bulk', element: <BulkScreen /> },
        { path: '/console/achievements', element: <AchievementsScreen /> },
        { path: '/console/achievements/new', element: <AchievementEditorScreen /> },
        { path: '/console/achievements/:id', element: <AchievementEditorScreen /> },
        { path: '/console/pathways', element: <PathwaysScreen /> },
        { path: '/console/pathways/new', element: <PathwayDesignerScreen /> },
        { path: '/console/pathways/trusted-issuers', element: <TrustedIssuersScreen /> },
        { path: '/console/pathways/flags', element: <PathwayFlagsScreen /> },
        { path: '/console/pathways/:id', element: <PathwayDesignerScreen /> },
        { path: '/console/recognition', element: <RecognitionQueueScreen /> },
        { path: '/console/recognition/:requestId', element: <RecognitionDecisionScreen /> },
        { path: '/console/programmes', element: <ProgrammesScreen /> },
        { path: '/console/programmes/:id', element: <ProgrammeScreen /> },
        { path: '/console/issuers', element: <IssuersScreen /> },
        { path: '/console/organisation', element: <OrganisationScreen /> },
        { path: '/console/api-keys', element: <ApiKeysScreen /> },
        { path: '/console/integrations', element: <IntegrationsScreen /> },
        { path: '/console/outbox', element: <OutboxScreen /> },
        { path: '/console/audit', element: <AuditScreen /> },
        { path: '/console/account', element: <ConsoleAccountScreen /> },
        { path: '/console/rpl', element: <RplQueueScreen /> },
        { path: '/console/rpl/:caseId', element: <RplCaseReviewScreen /> },
        { path: '/console/*', element: <NotFoundScreen /> },
      ],
    },
    {
      element: <WalletArea />,
      children: [
        { path: '/wallet', element: <WalletScreen /> },
        { path: '/wallet/credentials/:id', element: <WalletCredentialScreen /> },
        { path: '/wallet/import', element: <ImportScreen /> },
        { path: '/wallet/exchange', element: <ExchangeScreen /> },
        { path: '/wallet/exchange/callback', element: <ExchangeCallbackScreen /> },
        { path: '/wallet/collections', element: <CollectionsScreen /> },
        { path: '/wallet/pathways', element: <WalletPathwaysScreen /> },
        { path: '/wallet/pathways/:id', element: <WalletPathwayScreen /> },
        { path: '/wallet/recognition', element: <WalletRecognitionScreen /> },
        { path: '/wallet/recognition/:requestId', element: <WalletRecognitionRequestScreen /> },
        { path: '/wallet/rpl', element: <WalletRplScreen /> },
        { path: '/wallet/rpl/:caseId', element: <WalletRplCaseScreen /> },
        { path: '/wallet/account', element: <AccountScreen /> },
        { path: '/wallet/*', element: <NotFoundScreen /> },
      ],
    },
    {
      // Public pages bring their own layout.
      element: <PerPath />,
      children: [
        { path: '/signup', element: <SignupScreen /> },
        { path: '/confirm-email/:token', element: <ConfirmEmailScreen /> },
        { path: '/claim/:token', element: <ClaimScreen /> },
        { path: '/verify', element: <VerifyScreen /> },
      ],
    },
    {
      path: '*',
      element: (
        <main id="main" className="bare">
          <NotFoundScreen />
        </main>
      ),
    },
  ];
}

/**
 * The screen for the current path, started afresh when the path (or `scope`, e.g. the organisation)
 * changes: going from one credential to another, or from "new" to the saved item, resets its state and
 * moves focus to its heading. A change of query string only (?saved=2) keeps the screen.
 */
function PerPath({ scope = '' }: { scope?: string }) {
  const { pathname } = useLocation();
  return <Fragment key={`${scope}:${pathname}`}><Outlet /></Fragment>;
}

/**
 * Waits for the session (loading it once); a visitor without one goes to `whereTo(pathname)` instead.
 * Returns the signed-in user's session, or undefined while it is not known.
 */
function useSignedIn(whereTo: (pathname: string) => Promise<string>): ReturnType<typeof useSession> | undefined {
  const session = useSession();
  const { me, refresh } = session;
  const navigate = useNavigate();
  const { pathname } = useLocation();
  useEffect(() => {
    if (me) return;
    let live = true;
    void (async () => {
      // refresh() stores the user on success, which re-renders with `me` set.
      if (await refresh()) return;
      const next = await whereTo(pathname);
      if (live) void navigate(next, { replace: true });
    })();
    return () => {
      live = false;
    };
    // `whereTo` is a new function each render; the path says when to ask again.
  }, [me, refresh, navigate, pathname]);
  return me ? session : undefined;
}

function Loading(): ReactNode {
  return (
    <main id="main" className="bare">
      <Notice>Loading…</Notice>
    </main>
  );
}

const signIn = (pathname: string) => `/login?next=${encodeURIComponent(pathname)}`;

/** The console: signed-in staff only (a fresh server goes to setup first), in the console's frame. */
function ConsoleArea() {
  const { api } = useSession();
  const session = useSignedIn(async (pathname) => {
    const setup = await api.get<{ needsSetup: boolean }>('/api/v1/setup').catch(() => ({ needsSetup: false }));
    return setup.needsSetup ? '/setup' : signIn(pathname);
  });
  if (!session) return <Loading />;
  // A learner (no organisation) signing in lands in the console's default path: their wallet is the place.
  if (!session.membership) return <Navigate to="/wallet" replace />;
  return (
    <ConsoleLayout>
      <PerPath scope={session.membership.organisationId} />
    </ConsoleLayout>
  );
}

/** The wallet: signed-in learners (anyone with an account), in the wallet's frame. */
function WalletArea() {
  const session = useSignedIn(async (pathname) => signIn(pathname));
  if (!session) return <Loading />;
  return (
    <WalletLayout>
      <PerPath />
    </WalletLayout>
  );
}

/** A screen that failed while rendering: said in words, with a way back, instead of a blank page. */
function RouteError() {
  const error = useRouteError();
  console.error(error);
  return (
    <main id="main" className="bare">
      <Screen title="Something went wrong">
        <p>
          This page could not be shown. <a href={window.location.pathname}>Load it again</a> or go to <a href="/wallet">your wallet</a>.
        </p>
      </Screen>
    </main>
  );
}

import type { ReactNode } from 'react';
import { Link, useLocation } from 'react-router';
import { useSession, useSignOut } from '../session.tsx';
import '../wallet.css';

/** The learner's navigation, in order. */
const WALLET_NAV: { path: string; label: string }[] = [
  { path: '/wallet', label: 'My credentials' },
  { path: '/wallet/import', label: 'Add a credential' },
  { path: '/wallet/exchange', label: 'Offers & requests' },
  { path: '/wallet/collections', label: 'Collections' },
  { path: '/wallet/pathways', label: 'Pathways' },
  { path: '/wallet/recognition', label: 'Recognition' },
  { path: '/wallet/rpl', label: 'Prior learning' },
  { path: '/wallet/account', label: 'Account' },
];

/** The wallet's frame: skip link, header with the learner, navigation (a row, also on phones), main. */
export function WalletLayout({ children }: { children: ReactNode }) {
  const { me, membership } = useSession();
  const location = useLocation();
  const signOut = useSignOut();
  return (
    <div className="wallet-app">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <Link to="/wallet" className="brand">
          microcred <span className="brand-sub">wallet</span>
        </Link>
        <span className="user">
          <span className="user-email">{me?.user.email}</span>
        </span>
        {membership ? <Link to="/console/credentials">Issuer console</Link> : null}
        <button type="button" className="link-button" onClick={() => void signOut()}>
          Sign out
        </button>
      </header>
      <nav className="wallet-nav" aria-label="Wallet">
        <ul>
          {WALLET_NAV.map((r) => {
            const current = r.path === '/wallet' ? location.pathname === '/wallet' || location.pathname.startsWith('/wallet/credentials') : location.pathname.startsWith(r.path);
            return (
              <li key={r.path}>
                <Link to={r.path} aria-current={current ? 'page' : undefined}>
                  {r.label}
                </Link>
              </li>
            );
          })}
        </ul>
      </nav>
      <main id="main" tabIndex={-1} className="wallet-main">
        {children}
      </main>
    </div>
  );
}

/** Public pages (verifier, sign-up, claim): a light header and a centred column. */
export function PublicLayout({ children, wide = false }: { children: ReactNode; wide?: boolean }) {
  return (
    <div className="public-app">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <a href="/verify" className="brand">
          microcred
        </a>
        <nav aria-label="Site" className="public-nav">
          <a href="/verify">Verify a credential</a>
          <a href="/wallet">My wallet</a>
        </nav>
      </header>
      <main id="main" tabIndex={-1} className={wide ? 'public-main wide' : 'public-main'}>
        {children}
      </main>
    </div>
  );
}

import type { ReactNode } from 'react';
import { Link, useLocation } from 'react-router';
import { useSession, useSignOut } from '../session.tsx';
import { navFor } from '../nav.ts';

/** The console's frame: skip link, header with organisation and user, navigation, main. */
export function ConsoleLayout({ children }: { children: ReactNode }) {
  const { me, membership, selectOrganisation } = useSession();
  const location = useLocation();
  const signOut = useSignOut();
  return (
    <div className="console">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <Link to="/console/credentials" className="brand">
          microcred
        </Link>
        {me && me.memberships.length > 1 ? (
          <label className="org-switch">
            <span>Organisation</span>
            <select value={membership?.organisationId} onChange={(e) => selectOrganisation(e.target.value)}>
              {me.memberships.map((m) => (
                <option key={m.organisationId} value={m.organisationId}>
                  {m.organisationName}
                </option>
              ))}
            </select>
          </label>
        ) : (
          <span className="org-name">{membership?.organisationName}</span>
        )}
        <span className="user">
          <span className="user-email">{me?.user.email}</span>
          {membership ? <span className="role"> ({membership.role})</span> : null}
        </span>
        <Link to="/wallet">My wallet</Link>
        <button type="button" className="link-button" onClick={() => void signOut(false)}>
          Sign out
        </button>
        <button type="button" className="link-button" onClick={() => void signOut(true)} title="End your sessions on every device">
          Sign out everywhere
        </button>
      </header>
      <nav className="sidenav" aria-label="Console">
        <ul>
          {navFor(membership?.role).map((r) => {
            const current = [r.path, ...(r.also ?? [])].some((path) => location.pathname === path || location.pathname.startsWith(path + '/'));
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
      <main id="main" tabIndex={-1}>
        {children}
      </main>
    </div>
  );
}

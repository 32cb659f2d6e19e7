import { useEffect, useState } from 'react';
import type { ReactNode } from 'react';
import { Link, useLocation } from 'react-router';
import { useSession, useSignOut } from '../session.tsx';
import { isCurrent, navGroupsFor } from '../nav.ts';

/** The console's frame: skip link, header with organisation and user, navigation, main. */
export function ConsoleLayout({ children }: { children: ReactNode }) {
  const { me, membership, selectOrganisation } = useSession();
  const location = useLocation();
  const signOut = useSignOut();
  const [menuOpen, setMenuOpen] = useState(false);
  // Going somewhere folds the phone menu again.
  useEffect(() => setMenuOpen(false), [location.pathname]);
  const groups = navGroupsFor(membership?.role);
  const current = groups.flatMap((g) => g.items).find((item) => isCurrent(item, location.pathname));
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
        <Link to="/console/account">Your account</Link>
        <Link to="/wallet">My wallet</Link>
        <button type="button" className="link-button" onClick={() => void signOut(false)}>
          Sign out
        </button>
      </header>
      <nav className={`sidenav${menuOpen ? ' open' : ''}`} aria-label="Console">
        <button type="button" className="nav-toggle" aria-expanded={menuOpen} aria-controls="console-menu" onClick={() => setMenuOpen(!menuOpen)}>
          Menu{current ? <span className="nav-toggle-current">: {current.label}</span> : null}
        </button>
        <div id="console-menu" className="nav-groups">
          {groups.map((group) => (
            <div key={group.label} className="nav-group">
              <h2 className="nav-group-label" id={`nav-${group.label.toLowerCase()}`}>
                {group.label}
              </h2>
              <ul aria-labelledby={`nav-${group.label.toLowerCase()}`}>
                {group.items.map((r) => (
                  <li key={r.path}>
                    <Link to={r.path} aria-current={isCurrent(r, location.pathname) ? 'page' : undefined}>
                      {r.label}
                    </Link>
                  </li>
                ))}
              </ul>
            </div>
          ))}
        </div>
      </nav>
      <main id="main" tabIndex={-1}>
        {children}
      </main>
    </div>
  );
}

import { useState } from 'react';
import { ErrorSummary } from '../../components/ErrorSummary.tsx';
import { Notice } from '../../components/Notice.tsx';
import { Screen } from '../../components/Screen.tsx';
import { formatDate, useLoad } from '../../load.ts';
import { Link } from 'react-router';
import { useOrganisation, useSession } from '../../session.tsx';
import type { Achievement } from '../../types.ts';

/** The organisation's micro-credential definitions. */
export function AchievementsScreen() {
  const { organisationId } = useOrganisation();
  const { api } = useSession();
  const [archived, setArchived] = useState(false);
  const list = useLoad(
    (signal) => api.get<{ items: Achievement[] }>(`/api/v1/organisations/${organisationId}/achievements${archived ? '?includeArchived=true' : ''}`, { signal }),
    `${organisationId}:${archived}`,
  );
  return (
    <Screen
      title="Micro-credentials"
      actions={
        <Link to="/console/achievements/new" className="button primary">
          New micro-credential
        </Link>
      }
    >
      <label className="choice">
        <input type="checkbox" checked={archived} onChange={(e) => setArchived(e.target.checked)} /> Show archived
      </label>
      <ErrorSummary error={list.error} />
      {list.data && list.data.items.length === 0 ? <Notice>No micro-credentials yet. Define the first one.</Notice> : null}
      {list.data?.items.length ? (
        <div className="table-wrap">
          <table>
            <caption className="visually-hidden">Micro-credential definitions</caption>
            <thead>
              <tr>
                <th scope="col">Title</th>
                <th scope="col">ECTS</th>
                <th scope="col">EQF</th>
                <th scope="col">Version</th>
                <th scope="col">Updated</th>
              </tr>
            </thead>
            <tbody>
              {list.data.items.map((a) => (
                <tr key={a.id}>
                  <td>
                    <Link to={`/console/achievements/${a.id}`}>{a.name}</Link>
                    {a.archivedAt ? <span className="badge"> Archived</span> : null}
                  </td>
                  <td>{a.eu?.creditsAvailable ?? '—'}</td>
                  <td>{a.eu?.eqfLevel ?? '—'}</td>
                  <td>{a.version}</td>
                  <td>{formatDate(a.updatedAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </Screen>
  );
}

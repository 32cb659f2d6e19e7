import { useState } from 'react';
import { DataTable } from '../../components/DataTable.tsx';
import { Screen } from '../../components/Screen.tsx';
import { formatDate } from '../../load.ts';
import { useApiQuery } from '../../query.ts';
import { Link } from 'react-router';
import { useOrganisation } from '../../session.tsx';
import type { Achievement } from '../../api-types.ts';

/** The organisation's micro-credential definitions. */
export function AchievementsScreen() {
  const { organisationId } = useOrganisation();
  const [archived, setArchived] = useState(false);
  const list = useApiQuery<{ items: Achievement[] }>(`/api/v1/organisations/${organisationId}/achievements${archived ? '?includeArchived=true' : ''}`);
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
      <DataTable
        caption="Micro-credential definitions"
        rows={list.data?.items}
        error={list.error}
        onRetry={() => void list.refetch()}
        rowKey={(a) => a.id}
        empty="No micro-credentials yet. Define the first one."
        columns={[
          {
            header: 'Title',
            cell: (a) => (
              <>
                <Link to={`/console/achievements/${a.id}`}>{a.name}</Link>
                {a.archivedAt ? <span className="badge"> Archived</span> : null}
              </>
            ),
          },
          { header: 'ECTS', cell: (a) => a.eu?.creditsAvailable ?? '—' },
          { header: 'EQF', cell: (a) => a.eu?.eqfLevel ?? '—' },
          { header: 'Version', cell: (a) => a.version },
          { header: 'Updated', cell: (a) => formatDate(a.updatedAt) },
        ]}
      />
    </Screen>
  );
}

import { useState } from 'react';
import { asApiError, query } from '../../api.ts';
import type { ApiError } from '../../api.ts';
import { DataTable } from '../../components/DataTable.tsx';
import { ErrorSummary } from '../../components/ErrorSummary.tsx';
import { Screen } from '../../components/Screen.tsx';
import { formatDate, useLoad } from '../../load.ts';
import { useOrganisation, useSession } from '../../session.tsx';
import type { AuditEntry } from '../../api-types.ts';

const PAGE = 50;

function describeActor(actor: AuditEntry['actor']): string {
  if (!actor) return '—';
  return actor.id ? `${actor.type} ${actor.id}` : actor.type;
}

/** Every state change in the organisation: who, what, when, from where. Newest first. */
export function AuditScreen() {
  const { organisationId } = useOrganisation();
  const { api } = useSession();
  const base = `/api/v1/organisations/${organisationId}/audit`;
  const first = useLoad((signal) => api.get<{ items: AuditEntry[] }>(base + query({ limit: PAGE }), { signal }), organisationId);
  const [older, setOlder] = useState<AuditEntry[]>([]);
  const [done, setDone] = useState(false);
  const [error, setError] = useState<ApiError>();
  const rows = [...(first.data?.items ?? []), ...older];
  const last = rows[rows.length - 1];
  const loadOlder = async () => {
    if (!last) return;
    try {
      const next = await api.get<{ items: AuditEntry[] }>(base + query({ limit: PAGE, before: last.at }));
      setOlder((o) => [...o, ...next.items]);
      if (next.items.length < PAGE) setDone(true);
    } catch (e) {
      setError(asApiError(e));
    }
  };
  return (
    <Screen title="Audit log">
      <ErrorSummary error={error} />
      <DataTable
        caption="Audit log, newest first"
        testId="audit-table"
        rows={first.data ? rows : undefined}
        error={first.error}
        onRetry={first.reload}
        rowKey={(e) => e.id}
        empty="Nothing has happened yet."
        columns={[
          { header: 'When', cell: (e) => formatDate(e.at) },
          { header: 'Who', cell: (e) => describeActor(e.actor) },
          { header: 'Action', cell: (e) => <code>{e.action}</code> },
          { header: 'Target', cell: (e) => (e.targetType ? `${e.targetType} ${e.targetId ?? ''}` : '—') },
          { header: 'From', cell: (e) => e.ip ?? '—' },
        ]}
      />
      {first.data && first.data.items.length >= PAGE && !done ? (
        <button type="button" onClick={() => void loadOlder()}>
          Older entries
        </button>
      ) : null}
    </Screen>
  );
}

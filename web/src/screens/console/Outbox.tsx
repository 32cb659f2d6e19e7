import { Notice } from '../../components/Notice.tsx';
import { QueryState } from '../../components/QueryState.tsx';
import { Screen } from '../../components/Screen.tsx';
import { formatDate } from '../../load.ts';
import { useApiQuery } from '../../query.ts';
import { useOrganisation } from '../../session.tsx';
import type { OutboxMessage } from '../../api-types.ts';

/** The development outbox: e-mails kept in the database when no SMTP server is configured. */
export function OutboxScreen() {
  const { organisationId } = useOrganisation();
  const outbox = useApiQuery<{ items: OutboxMessage[] }>(`/api/v1/organisations/${organisationId}/outbox`);
  return (
    <Screen title="Outbox" intro="Without an SMTP server, e-mails to recipients (claim links) are kept here instead of being sent.">
      <QueryState query={outbox} onRetry={() => void outbox.refetch()}>
        {({ items }) =>
          items.length === 0 ? (
            <Notice>No e-mails yet.</Notice>
          ) : (
            <ul className="messages">
              {items.map((m) => (
                <li key={m.id} className="card">
                  <details>
                    <summary>
                      <span className="message-subject">{m.subject}</span> <span className="muted">to {m.to} · {formatDate(m.createdAt)}</span>
                    </summary>
                    <pre className="message-body">{m.text ?? ''}</pre>
                  </details>
                </li>
              ))}
            </ul>
          )
        }
      </QueryState>
    </Screen>
  );
}

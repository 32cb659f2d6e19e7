import { formatDate } from '../load.ts';
import { useApiQuery } from '../query.ts';
import type { AchievementVersion as Version } from '../api-types.ts';


/** The saved versions of a definition, newest first; issued credentials keep the version they came from. */
export function Versions({ achievementId, current }: { achievementId: string; current: number }) {
  const versions = useApiQuery<{ items: Version[] }>(`/api/v1/achievements/${achievementId}/versions`, { refreshOn: current });
  if (!versions.data?.items.length) return null;
  return (
    <details className="versions">
      <summary>Versions ({versions.data.items.length})</summary>
      <ul>
        {versions.data.items.map((v) => (
          <li key={v.version}>
            <a href={`/achievements/${achievementId}?version=${v.version}`}>Version {v.version}</a> — {v.name}, {formatDate(v.createdAt)}
          </li>
        ))}
      </ul>
    </details>
  );
}

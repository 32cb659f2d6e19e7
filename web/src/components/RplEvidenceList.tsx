import type { ReactNode } from 'react';
import type { RplEvidence } from '../api-types.ts';

function size(bytes: number): string {
  return bytes < 1024 ? `${bytes} B` : bytes < 1024 * 1024 ? `${Math.round(bytes / 1024)} KB` : `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** One outcome's evidence: links open in a new tab, narratives are quoted, files download. */
export function RplEvidenceList({ evidence, fileUrl, action }: { evidence: RplEvidence[]; fileUrl(id: string): string; action?: (e: RplEvidence) => ReactNode }) {
  if (!evidence.length) return <p className="muted">No evidence yet.</p>;
  return (
    <ul>
      {evidence.map((e) => (
        <li key={e.id}>
          {e.kind === 'link' ? (
            <>
              Link:{' '}
              <a href={e.url} target="_blank" rel="noopener noreferrer">
                {e.title || e.url}
              </a>
            </>
          ) : e.kind === 'narrative' ? (
            <>
              Narrative: <q className="message-body">{e.text}</q>
            </>
          ) : (
            <>
              File:{' '}
              <a href={fileUrl(e.id)} download={e.name}>
                {e.title || e.name}
              </a>{' '}
              ({e.mediaType}, {size(e.sizeBytes)})
            </>
          )}{' '}
          {action?.(e)}
        </li>
      ))}
    </ul>
  );
}

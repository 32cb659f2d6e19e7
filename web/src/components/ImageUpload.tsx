import { useState } from 'react';
import { asApiError } from '../api.ts';
import type { ApiError } from '../api.ts';
import type { Achievement } from '../api-types.ts';
import { detailSentence, tooLargeSentence } from '../field-errors.ts';
import { useSession } from '../session.tsx';
import { Field } from './Field.tsx';
import { Notice } from './Notice.tsx';

const TYPES: Record<string, string> = { 'image/png': 'PNG', 'image/svg+xml': 'SVG' };
const MAX_BYTES = 512 * 1024;

/**
 * Uploads the image of a saved achievement (PNG or SVG, at most 512 kB; the server sanitises SVG).
 * The upload saves a new version of the definition; `onUploaded` gets it, and the notice names it.
 */
export function ImageUpload({ achievementId, imageUrl, onUploaded }: { achievementId: string; imageUrl?: string | null; onUploaded(achievement: Achievement): void }) {
  const { api } = useSession();
  const [error, setError] = useState<ApiError>();
  const [done, setDone] = useState<{ removed: string[]; version: number }>();
  const upload = async (file: File | undefined) => {
    setError(undefined);
    setDone(undefined);
    if (!file) return;
    if (!TYPES[file.type]) {
      setError(asApiError(new Error('The image must be a PNG or an SVG file; files up to 512 kB.')));
      return;
    }
    if (file.size > MAX_BYTES) {
      setError(asApiError(new Error(tooLargeSentence('the image', file.size, MAX_BYTES))));
      return;
    }
    try {
      const result = await api.request<Achievement & { removed?: string[] }>('POST', `/api/v1/achievements/${achievementId}/image`, { raw: { body: file, contentType: file.type } });
      setDone({ removed: result.removed ?? [], version: result.version });
      onUploaded(result);
    } catch (e) {
      const failed = asApiError(e);
      setError(failed.status === 413 ? asApiError(new Error(tooLargeSentence('the image', file.size, MAX_BYTES))) : failed);
    }
  };
  // The message sits beside the file field, in a sentence (field-errors.ts), not in a summary above it.
  const message = error ? (error.errors.length ? error.sentences().join(' ') : detailSentence(error.detail)) : undefined;
  return (
    <div className="group">
      {imageUrl ? <img src={imageUrl} alt="Current image of the micro-credential" className="achievement-image" /> : null}
      {done ? (
        <Notice tone="success">
          Image uploaded and saved as version {done.version}; credentials issued from now on show it.
          {done.removed.length ? ` Removed from the SVG for safety: ${done.removed.join(', ')}.` : ''}
        </Notice>
      ) : null}
      <Field id="achievement-image" label="Image" hint="PNG or SVG, files up to 512 kB." error={message}>
        {(p) => <input {...p} type="file" accept="image/png,image/svg+xml" onChange={(e) => void upload(e.target.files?.[0])} />}
      </Field>
    </div>
  );
}

import { useId, useRef, useState } from 'react';
import type { DragEvent } from 'react';

/**
 * A file picker that also takes a dropped file. The real control is a labelled file input (keyboard and
 * screen readers use it); the zone around it only adds dropping.
 */
export function DropZone({ label, hint, accept, onFile, testId }: { label: string; hint?: string; accept?: string; onFile(file: File): void; testId?: string }) {
  const id = useId();
  const input = useRef<HTMLInputElement>(null);
  const [over, setOver] = useState(false);
  const [chosen, setChosen] = useState<string>();
  const take = (file: File | undefined) => {
    if (!file) return;
    setChosen(file.name);
    onFile(file);
  };
  const onDrop = (event: DragEvent<HTMLDivElement>) => {
    event.preventDefault();
    setOver(false);
    take(event.dataTransfer.files[0]);
  };
  return (
    <div
      className={over ? 'drop-zone drop-over' : 'drop-zone'}
      data-testid={testId}
      onDragOver={(e) => {
        e.preventDefault();
        setOver(true);
      }}
      onDragLeave={() => setOver(false)}
      onDrop={onDrop}
    >
      <label htmlFor={id} className="drop-label">
        {label}
      </label>
      <p className="hint" id={`${id}-hint`}>
        {hint ?? 'Drop a file here, or choose one.'}
      </p>
      <input
        ref={input}
        id={id}
        type="file"
        accept={accept}
        aria-describedby={`${id}-hint`}
        onChange={(e) => {
          take(e.target.files?.[0]);
          e.target.value = '';
        }}
      />
      {chosen ? (
        <p className="muted" aria-live="polite">
          Chosen: {chosen}
        </p>
      ) : null}
    </div>
  );
}

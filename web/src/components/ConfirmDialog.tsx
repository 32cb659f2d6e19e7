import { useEffect, useId, useRef, useState } from 'react';
import type { ReactNode } from 'react';

export interface ConfirmOptions {
  /** The question, e.g. "Revoke the credential of Ada Lovelace?" */
  title: string;
  /** What follows and why it cannot be undone. */
  body: ReactNode;
  /** The button that goes ahead, naming the action ("Revoke", "Delete my account"). */
  confirmLabel: string;
}

interface Request extends ConfirmOptions {
  resolve(ok: boolean): void;
}

/**
 * Asks before an irreversible action, in a modal <dialog> (the browser traps focus, Escape cancels,
 * focus returns to the button that opened it). `confirm()` resolves true only when the person chose
 * the action; render `dialog` anywhere in the screen.
 */
export function useConfirm(): { confirm(options: ConfirmOptions): Promise<boolean>; dialog: ReactNode } {
  const [request, setRequest] = useState<Request>();
  const confirm = (options: ConfirmOptions) => new Promise<boolean>((resolve) => setRequest({ ...options, resolve }));
  const dialog = request ? (
    <ConfirmDialog
      {...request}
      onClose={(ok) => {
        request.resolve(ok);
        setRequest(undefined);
      }}
    />
  ) : null;
  return { confirm, dialog };
}

function ConfirmDialog({ title, body, confirmLabel, onClose }: ConfirmOptions & { onClose(ok: boolean): void }) {
  const ref = useRef<HTMLDialogElement>(null);
  const closed = useRef(false);
  const id = useId();
  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
    return () => dialog?.close();
  }, []);
  // Once answered, a second click (double click on the button) changes nothing.
  const answer = (ok: boolean) => {
    if (closed.current) return;
    closed.current = true;
    onClose(ok);
  };
  return (
    <dialog
      ref={ref}
      className="confirm-dialog"
      aria-labelledby={`${id}-title`}
      aria-describedby={`${id}-body`}
      onCancel={(e) => {
        e.preventDefault();
        answer(false);
      }}
    >
      <h2 id={`${id}-title`}>{title}</h2>
      <div id={`${id}-body`}>{typeof body === 'string' ? <p>{body}</p> : body}</div>
      <div className="button-row">
        <button type="button" className="danger" onClick={() => answer(true)}>
          {confirmLabel}
        </button>
        <button type="button" autoFocus onClick={() => answer(false)}>
          Cancel
        </button>
      </div>
    </dialog>
  );
}

import { useCallback, useRef, useState } from 'react';

/**
 * One guard for every submit: while an action runs, another call returns at once without running it.
 * The guard is a ref, not state, because two clicks in one task (a double click, a held Enter key)
 * both arrive before React re-renders the button as disabled; `pending` is for showing it.
 *
 *   const save = useSubmit(async () => { await api.post(…) });
 *   <form onSubmit={(e) => { e.preventDefault(); void save.run(); }}> … <button disabled={save.pending}>
 */
export function useSubmit<A extends unknown[]>(action: (...args: A) => Promise<unknown>): { run(...args: A): Promise<void>; pending: boolean } {
  const running = useRef(false);
  const [pending, setPending] = useState(false);
  const latest = useRef(action);
  latest.current = action;
  const run = useCallback(async (...args: A) => {
    if (running.current) return;
    running.current = true;
    setPending(true);
    try {
      await latest.current(...args);
    } finally {
      running.current = false;
      setPending(false);
    }
  }, []);
  return { run, pending };
}

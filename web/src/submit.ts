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

const busyForms = new WeakSet<object>();

/**
 * The same guard for a form's submit handler, without a hook (forms inside conditions and lists can
 * use it): `<form onSubmit={guarded(submit)}>`. The form element itself is marked busy, synchronously,
 * until the handler's promise settles; a second submit meanwhile is dropped. The default (a page
 * load) is always prevented.
 */
export function guarded<E extends { preventDefault(): void; currentTarget: object }>(handler: (event: E) => Promise<unknown>): (event: E) => void {
  return (event) => {
    event.preventDefault();
    const form = event.currentTarget;
    if (busyForms.has(form)) return;
    busyForms.add(form);
    const element = form as { setAttribute?(name: string, value: string): void; removeAttribute?(name: string): void };
    element.setAttribute?.('aria-busy', 'true');
    void handler(event).finally(() => {
      busyForms.delete(form);
      element.removeAttribute?.('aria-busy');
    });
  };
}

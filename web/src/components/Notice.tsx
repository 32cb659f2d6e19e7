import type { ReactNode } from 'react';

/** A polite live message: success after a save, "loading", "nothing here yet". */
export function Notice({ children, tone = 'info' }: { children: ReactNode; tone?: 'info' | 'success' | 'warning' }) {
  return (
    <div className={`notice notice-${tone}`} role="status">
      {children}
    </div>
  );
}

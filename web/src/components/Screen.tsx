import { useEffect, useRef } from 'react';
import type { ReactNode } from 'react';

/**
 * One screen: its heading takes focus when the screen opens (so a route change is announced), and
 * the document title follows it.
 */
export function Screen({ title, intro, children, actions }: { title: string; intro?: ReactNode; children: ReactNode; actions?: ReactNode }) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    document.title = `${title} · microcred`;
    heading.current?.focus();
  }, [title]);
  return (
    <section className="screen" aria-labelledby="screen-title">
      <div className="screen-head">
        <h1 id="screen-title" tabIndex={-1} ref={heading}>
          {title}
        </h1>
        {actions ? <div className="screen-actions">{actions}</div> : null}
      </div>
      {intro ? <p className="intro">{intro}</p> : null}
      {children}
    </section>
  );
}

import { useEffect, useRef, useState } from 'react';
import { asApiError, type ApiError } from '../api.ts';
import type { PresentationRequestCreated, PresentationRequestState } from '../api-types.ts';
import { ErrorSummary } from './ErrorSummary.tsx';
import { Notice } from './Notice.tsx';

/** How often the page asks whether the wallet has answered. */
const POLL_MS = 1500;

/**
 * An OpenID4VP request shown to a person: the QR code to scan with a wallet app, the same request as a
 * link (for a wallet on this device), then what became of it. `create` makes the request; `onState`
 * hears each change (answered, declined, expired) so the screen can show the verdict its own way.
 */
export function WalletRequest({ create, onState, startLabel, poll }: {
  create: () => Promise<PresentationRequestCreated>;
  poll: (handle: string) => Promise<PresentationRequestState>;
  onState?: (state: PresentationRequestState) => void;
  startLabel: string;
}) {
  const [request, setRequest] = useState<PresentationRequestCreated>();
  const [state, setState] = useState<PresentationRequestState>();
  const [error, setError] = useState<ApiError>();
  const [busy, setBusy] = useState(false);
  const onStateRef = useRef(onState);
  onStateRef.current = onState;

  const start = async () => {
    setBusy(true);
    setError(undefined);
    setState(undefined);
    try {
      setRequest(await create());
    } catch (e) {
      setError(asApiError(e));
    } finally {
      setBusy(false);
    }
  };

  useEffect(() => {
    if (!request) return;
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const tick = async () => {
      try {
        const next = await poll(request.handle);
        if (stopped) return;
        setState((previous) => (previous && previous.status === next.status && previous.refused === next.refused ? previous : next));
        if (next.status !== 'pending') {
          onStateRef.current?.(next);
          return;
        }
      } catch (e) {
        if (stopped) return;
        setError(asApiError(e));
        return;
      }
      timer = setTimeout(() => void tick(), POLL_MS);
    };
    timer = setTimeout(() => void tick(), POLL_MS);
    return () => {
      stopped = true;
      if (timer) clearTimeout(timer);
    };
  }, [request, poll]);

  const pending = request && (!state || state.status === 'pending');
  return (
    <div className="wallet-request" data-testid="wallet-request">
      <ErrorSummary error={error} title="The wallet request could not be made" />
      {!pending ? (
        <button type="button" onClick={() => void start()} disabled={busy}>
          {request ? 'Ask again' : startLabel}
        </button>
      ) : null}
      {request && pending ? (
        <div className="wallet-request-code">
          <img className="qr" src={`data:image/svg+xml;charset=utf-8,${encodeURIComponent(request.qr)}`} alt="QR code of the request: scan it with your wallet app" width={200} height={200} data-testid="wallet-request-qr" />
          <div>
            <p>Scan the code with a wallet app that speaks OpenID4VP, or open the request in a wallet on this device.</p>
            <p>
              <a className="button" href={request.link} data-testid="wallet-request-link">Open in a wallet app</a>
            </p>
            <Notice>Waiting for the wallet… The request expires at {new Date(request.expiresAt).toLocaleTimeString()}.</Notice>
          </div>
        </div>
      ) : null}
      {state && state.refused > 0 && state.status === 'pending' ? (
        <p className="muted" data-testid="wallet-request-refused">
          {state.refused === 1 ? 'One answer was refused' : `${state.refused} answers were refused`}: {state.lastRefusal}
        </p>
      ) : null}
      {state?.status === 'declined' ? <Notice tone="warning">The wallet declined the request{state.declined?.description ? `: ${state.declined.description}` : '.'}</Notice> : null}
      {state?.status === 'expired' ? <Notice tone="warning">The request expired before a wallet answered. Ask again for a new one.</Notice> : null}
    </div>
  );
}

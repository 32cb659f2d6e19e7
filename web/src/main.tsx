import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { ApiClient } from './api.ts';
import { App } from './App.tsx';
import { RouterProvider } from './router.tsx';
import { SessionProvider } from './session.tsx';
import './styles.css';

const root = document.getElementById('root');
if (!root) throw new TypeError('index.html has no #root element.');

createRoot(root).render(
  <StrictMode>
    <RouterProvider>
      <SessionProvider api={new ApiClient()}>
        <App />
      </SessionProvider>
    </RouterProvider>
  </StrictMode>,
);

/**
 * The app's shell: the header (where you are, the live connection, who is signed in), then the
 * sign-in form or the page's view (the farm, or one printer). Views are chosen by the document the
 * server sent (lib/page.ts), not by a client-side router, so every base serves the right one.
 */
import { signal } from '@preact/signals';
import type { ComponentType } from 'preact';
import { useEffect } from 'preact/hooks';
import { can, resumeSignIn, signIn, signOut } from './api/session.js';
import { section, SECTIONS } from './lib/route.js';
import { CONNECTION_TEXT, connection } from './push/connection.js';
import { PAGE_KIND, PAGE_PRINTER } from './lib/page.js';
import { farmLink, printerTitle } from './views/printer/identity.js';
import { ErrorBoundary } from './components/error-boundary.js';
import { PausedWhileAway } from './components/paused-while-away.js';
import { ReauthDialog } from './components/reauth.js';
import { SignInForm } from './views/sign-in.js';

/**
 * The page's view, loaded while the sign-in is checked: the farm's chunk has the socket.io client,
 * a printer's has the chart (uPlot); neither page downloads the other's.
 */
const View = signal<ComponentType | null>(null);
const viewError = signal<string | null>(null);
const printer = PAGE_KIND === 'printer' ? PAGE_PRINTER : null;
(printer
  ? import('./views/printer/printer-view.js').then(({ PrinterView }) => () => <PrinterView id={printer} />)
  : import('./views/farm/farm-page.js').then(({ FarmPage }) => FarmPage)
).then(
  (view) => (View.value = view),
  (err: unknown) => (viewError.value = `This page could not be loaded (${String(err)}): reload to try again.`),
);

function Header() {
  const state = signIn.value;
  return (
    <header class="top">
      <a class="brand" href={farmLink.value}>
        cuttle
      </a>
      {PAGE_KIND === 'printer' && (
        <span class="crumb" dir="auto" title={printerTitle.value}>
          {printerTitle.value}
        </span>
      )}
      {state.status === 'signed-in' && (
        <nav aria-label="Sections">
          {SECTIONS.filter((s) => s.id !== 'events' || can('EVENTS')).map((s) => (
            <a href={`${PAGE_KIND === 'farm' ? '' : farmLink.value}#/${s.id}`} aria-current={PAGE_KIND === 'farm' && section.value === s.id ? 'page' : undefined}>
              {s.label}
            </a>
          ))}
        </nav>
      )}
      {state.status === 'signed-in' && (
        <span class="conn" role="status" data-status={connection.value}>
          {CONNECTION_TEXT[connection.value]}
        </span>
      )}
      {state.status === 'signed-in' && (
        <div class="user">
          <span class="muted" title={state.user.name === '_api' ? undefined : state.user.name}>
            {state.user.name === '_api' ? 'host key' : state.user.name}
          </span>
          <button type="button" onClick={() => void signOut()}>
            Sign out
          </button>
        </div>
      )}
    </header>
  );
}

export function App() {
  useEffect(() => void resumeSignIn(), []);
  const state = signIn.value;
  return (
    <>
      {/* moves the focus without a history entry: `#main` in the address would take a section or tab's place in it */}
      <a
        class="skip"
        href="#main"
        onClick={(e) => {
          e.preventDefault();
          document.getElementById('main')?.focus();
        }}
      >
        Skip to content
      </a>
      <Header />
      <main id="main" tabIndex={-1}>
        {state.status === 'checking' ? (
          <p class="muted">Signing in…</p>
        ) : state.status === 'signed-out' ? (
          <SignInForm reason={state.reason} />
        ) : viewError.value ? (
          <p class="notice" role="alert">
            {viewError.value}
          </p>
        ) : View.value ? (
          <ErrorBoundary>
            <PausedWhileAway
              gone={
                <>
                  This host has no printer “{PAGE_PRINTER}”: it was removed, or the address is wrong. <a href={farmLink.value}>All printers</a>
                </>
              }
            >
              <View.value />
            </PausedWhileAway>
          </ErrorBoundary>
        ) : (
          <p class="muted">Loading…</p>
        )}
      </main>
      {state.status === 'signed-in' && state.via === 'password' && <ReauthDialog />}
    </>
  );
}

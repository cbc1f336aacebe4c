/** Catches a view's rendering error and shows it in place of the view, never a blank page. */
import type { ComponentChildren } from 'preact';
import { useErrorBoundary } from 'preact/hooks';

export function ErrorBoundary({ children }: { children: ComponentChildren }) {
  const [error, reset] = useErrorBoundary();
  if (!error) return <>{children}</>;
  return (
    <section class="panel" role="alert">
      <h1>Something went wrong here</h1>
      <p class="notice">{error instanceof Error ? error.message : String(error)}</p>
      <div class="row">
        <button type="button" onClick={reset}>
          Try again
        </button>
        <button type="button" onClick={() => location.reload()}>
          Reload the page
        </button>
      </div>
    </section>
  );
}

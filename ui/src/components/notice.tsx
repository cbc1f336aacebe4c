/** Shows an error where it happened (role=alert), with a way to dismiss it. */
export function Notice({ error, onDismiss }: { error: string | null; onDismiss?: () => void }) {
  if (!error) return null;
  return (
    <p class="notice row" role="alert">
      <span>{error}</span>
      {onDismiss && (
        <button type="button" onClick={onDismiss} aria-label="Dismiss">
          ×
        </button>
      )}
    </p>
  );
}

/** A progress bar with its value for assistive technology. */
export function ProgressBar({ value, label }: { value: number | null; label: string }) {
  const percent = Math.max(0, Math.min(100, value ?? 0));
  return (
    <div class="bar" role="progressbar" aria-label={label} aria-valuemin={0} aria-valuemax={100} aria-valuenow={Math.round(percent)}>
      <div style={{ width: `${percent}%` }} />
    </div>
  );
}

/** One line of `sync drain` progress: bar, counts, rate and time left. */
export function renderProgress(p: { total: number; remaining: number; elapsedS: number; state: string; error: string | null; width?: number }): string {
  const width = p.width ?? 30;
  const done = Math.max(0, p.total - p.remaining);
  const share = p.total === 0 ? 1 : Math.min(1, done / p.total);
  const filled = Math.round(share * width);
  const rate = p.elapsedS > 0 ? done / p.elapsedS : 0;
  const eta = rate > 0 && p.remaining > 0 ? ` ETA ${formatDuration(p.remaining / rate)}` : '';
  const problem = p.error && p.state !== 'sending' && p.state !== 'draining' && p.state !== 'idle' ? ` (${p.error})` : '';
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${Math.floor(share * 100)}% ${done}/${p.total} events, ${Math.round(rate)} ev/s${eta}, ${p.state}${problem}`;
}

export function formatDuration(seconds: number): string {
  if (seconds < 60) return `${Math.ceil(seconds)} s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ${Math.round(seconds % 60)} s`;
  return `${Math.floor(seconds / 3600)} h ${Math.round((seconds % 3600) / 60)} min`;
}

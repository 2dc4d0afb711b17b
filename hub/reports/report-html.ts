import type { DailyReport } from '../../protocol/reports/daily-report.ts';

/**
 * The daily report as a printable page. No script and no style attribute: the hub's
 * CSP is `style-src 'self'` (docs/security.md), so the look comes from
 * /assets/report.css and the bar widths are classes (w0 … w100 in 5% steps).
 */
export function reportHtml(report: DailyReport, centreName: string): string {
  const f = report.feedback;
  const max = Math.max(1, ...(['1', '2', '3', '4'] as const).map((r) => f.byRating[r]));
  const bars = RATINGS.map(([key, label]) => `<tr><th>${label}</th><td><span class="bar r${key} w${Math.round((f.byRating[key] / max) * 20) * 5}"></span></td><td class="n">${f.byRating[key]}</td></tr>`).join('');
  const services = report.services
    .filter((s) => s.issued > 0 || s.feedback.total > 0 || s.feedback.misuse > 0)
    .map((s) => row([s.serviceId, s.issued, s.served, s.noShow, mins(s.waitP50S), mins(s.waitP90S), mins(s.waitMaxS), pct(s.withinTargetPct), mins(s.serviceP50S), mins(s.serviceP90S), s.feedback.total, s.feedback.misuse]))
    .join('');
  const counters = report.counters.filter((c) => c.served > 0 || c.feedback.total > 0).map((c) => row([c.counterId, c.served, c.feedback.total, ...ratings(c.feedback.byRating)])).join('');
  const officers = report.officers.map((o) => row([o.officerId, o.served, o.feedback.total, ...ratings(o.feedback.byRating)])).join('');
  const t = report.tickets;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Daily report ${esc(report.date)} – ${esc(centreName)}</title>
<link rel="stylesheet" href="/assets/report.css"></head><body>
<h1>Daily report – ${esc(centreName)}</h1>
<p class="sub">${esc(report.date)} (local day in ${esc(report.timezone)}) · centre ${esc(report.centreId)} · made ${esc(report.generatedAt)}</p>
<h2>Tickets</h2>
<table class="kpi">${row(['Issued', 'Served', 'No-show', 'Transferred', 'Still waiting'], 'th')}${row([t.issued, t.served, t.noShow, t.transferred, t.waitingAtClose])}</table>
<p>Peak hour: ${report.peakHour ? `${String(report.peakHour.hour).padStart(2, '0')}:00–${String(report.peakHour.hour + 1).padStart(2, '0')}:00 (${report.peakHour.issued} tickets)` : 'none'}</p>
<h2>Feedback</h2>
<p>${f.total} ratings · satisfaction ${pct(f.satisfactionPct)} · served tickets rated ${pct(f.ratedSharePct)} · misuse-flagged ${f.misuse}</p>
<table class="chart">${bars}</table>
<h2>Services</h2>
<table>${row(['Service', 'Issued', 'Served', 'No-show', 'Wait p50', 'Wait p90', 'Wait max', 'Within target', 'Service p50', 'Service p90', 'Ratings', 'Misuse'], 'th')}${services}</table>
<h2>Counters</h2>
<table>${row(['Counter', 'Served', 'Ratings', 'Poor', 'Fair', 'Good', 'Excellent'], 'th')}${counters}</table>
<h2>Officers</h2>
<table>${row(['Officer', 'Served', 'Ratings', 'Poor', 'Fair', 'Good', 'Excellent'], 'th')}${officers}</table>
</body></html>
`;
}

export const RATINGS = [
  ['1', 'Poor'],
  ['2', 'Fair'],
  ['3', 'Good'],
  ['4', 'Excellent'],
] as const;

function ratings(byRating: DailyReport['feedback']['byRating']): number[] {
  return RATINGS.map(([key]) => byRating[key]);
}

function row(cells: ReadonlyArray<string | number>, tag = 'td'): string {
  return `<tr>${cells.map((c) => `<${tag}>${esc(String(c))}</${tag}>`).join('')}</tr>`;
}

/** Seconds as minutes with one decimal ("–" when none). */
export function mins(s: number | null): string {
  return s === null ? '–' : `${(s / 60).toFixed(1)} min`;
}

export function pct(p: number | null): string {
  return p === null ? '–' : `${p}%`;
}

function esc(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

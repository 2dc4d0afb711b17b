// npm run bench:report: the daily report for a busy day, as JSON and as PDF, timed on a
// real hub database (docs/performance.md, "Daily report"). Rows are written straight
// into the queue's and ingest's tables (the report only reads them): N visitors over a
// 08:00–17:00 Nairobi day, two thirds of them rating, 2 % of presses misuse-flagged.
// Options: --visitors 1500 (the sample centre's busy day; 10x: --visitors 15000).
import { performance } from 'node:perf_hooks';
import { loadHubConfig } from '../../hub/config/load.ts';
import { LiveConfig } from '../../hub/config/live-config.ts';
import { DailyReports } from '../../hub/reports/daily-reports.ts';
import { reportPdf } from '../../hub/reports/report-pdf.ts';
import { openHubDatabase } from '../../hub/store/database.ts';
import { ManualClock } from '../../runtime/clock.ts';
import { tempDir } from '../../tests/helpers/temp-dir.ts';

const argv = process.argv.slice(2);
const at = argv.indexOf('--visitors');
const VISITORS = at === -1 ? 1500 : Number(argv[at + 1]);
const DAY = '2026-12-07';
const OPEN = Date.parse('2026-12-07T05:00:00Z');
const out = (line: string) => process.stdout.write(`${line}\n`);

const dir = tempDir('huduma-bench-report-');
try {
  const { config } = loadHubConfig({ overrides: { dataDir: dir.path } });
  const db = openHubDatabase(dir.path, { role: 'cli' });
  let seed = 42;
  const random = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
  const ticket = db.prepare(`INSERT INTO tickets (id, day, prefix, seq_no, number, service_id, category, status, language, issued_at, arrived_at, counter_id, officer_id, calls,
      called_at, first_called_at, started_at, finished_at, people_ahead) VALUES (?, ?, ?, ?, ?, ?, 'regular', ?, 'en', ?, ?, ?, ?, 1, ?, ?, ?, ?, 0)`);
  const press = db.prepare(`INSERT INTO presses (device_id, boot, device_seq, counter_id, rating, misuse, pressed_at, received_at, up_ms, clock_quality, event_seq, ticket_id, service_id)
      VALUES (?, 'b', ?, ?, ?, ?, ?, ?, 0, 'receive-time', ?, ?, ?)`);
  db.transaction(() => {
    for (let i = 1; i <= VISITORS; i++) {
      const service = config.services[Math.floor(random() * config.services.length)]!;
      const counter = config.counters.find((c) => c.serviceIds.includes(service.id)) ?? config.counters[0]!;
      const issued = OPEN + Math.floor(random() * 9 * 3_600_000);
      const called = issued + Math.floor(random() * 40 * 60_000);
      const finished = called + Math.floor((1 + random() * 10) * 60_000);
      const status = random() < 0.05 ? 'no_show' : 'finished';
      ticket.run(`20261207-${i}`, DAY, `B${i}`, i, `X${i}`, service.id, status, issued, issued, counter.id, `officer-${counter.id}`, called, called, called, finished);
      if (status === 'finished' && random() < 0.66) {
        const rating = 1 + Math.floor(random() * 4);
        press.run(`eifd-${counter.id}`, i, counter.id, rating, random() < 0.02 ? 1 : 0, finished, finished, i, `20261207-${i}`, service.id);
      }
    }
  })();
  const reports = new DailyReports({ db, live: new LiveConfig(config), clock: new ManualClock(OPEN + 12 * 3_600_000) });
  reports.forDate(DAY); // warm: statements prepared, code compiled
  let start = performance.now();
  const report = reports.forDate(DAY);
  const jsonMs = performance.now() - start;
  start = performance.now();
  const pdf = await reportPdf(report, config.centre.name.en);
  const pdfMs = performance.now() - start;
  const rssMb = process.resourceUsage().maxRSS / 1024;
  db.close();
  out(`daily report, ${VISITORS} visitors (${report.tickets.served} served, ${report.feedback.total + report.feedback.misuse} presses):`);
  out(`  JSON ${jsonMs.toFixed(1)} ms, PDF ${pdfMs.toFixed(1)} ms (${pdf.length} bytes), peak RSS ${rssMb.toFixed(0)} MB`);
  out(JSON.stringify({ visitors: VISITORS, jsonMs: Math.round(jsonMs * 10) / 10, pdfMs: Math.round(pdfMs * 10) / 10, pdfBytes: pdf.length, peakRssMb: Math.round(rssMb) }));
} finally {
  dir.remove();
}

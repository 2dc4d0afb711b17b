import PDFDocument from 'pdfkit';
import type { DailyReport } from '../../protocol/reports/daily-report.ts';
import { mins, pct, RATINGS } from './report-html.ts';

const BAR_COLOURS = { '1': '#c0392b', '2': '#e67e22', '3': '#7cb342', '4': '#2e7d32' } as const;
const LEFT = 40;
const BOTTOM = 800;

/**
 * The daily report as an A4 PDF, made on the hub with pdfkit (no browser): the ticket
 * figures, the feedback bar chart drawn with pdfkit's vector calls, and the service,
 * counter and officer tables; rows only for those with something to show, so a day
 * fits one page or two (docs/reports.md). Built-in Helvetica: no font files needed.
 */
export function reportPdf(report: DailyReport, centreName: string): Promise<Buffer> {
  const doc = new PDFDocument({ size: 'A4', margin: LEFT, info: { Title: `Daily report ${report.date} - ${centreName}` } });
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });

  doc.font('Helvetica-Bold').fontSize(16).text(`Daily report - ${centreName}`);
  doc.font('Helvetica').fontSize(9).fillColor('#555').text(`${report.date} (local day in ${report.timezone}) - centre ${report.centreId} - made ${report.generatedAt}`).fillColor('#000');

  const t = report.tickets;
  heading(doc, 'Tickets');
  table(doc, [90, 90, 90, 90, 90], [['Issued', 'Served', 'No-show', 'Transferred', 'Still waiting'], [t.issued, t.served, t.noShow, t.transferred, t.waitingAtClose]]);
  doc.fontSize(9).text(`Peak hour: ${report.peakHour ? `${String(report.peakHour.hour).padStart(2, '0')}:00-${String(report.peakHour.hour + 1).padStart(2, '0')}:00 (${report.peakHour.issued} tickets)` : 'none'}`, LEFT);

  const f = report.feedback;
  heading(doc, 'Feedback');
  doc.fontSize(9).text(`Ratings ${f.total} - satisfaction ${pct(f.satisfactionPct)} - served tickets rated ${pct(f.ratedSharePct)} - misuse-flagged ${f.misuse}`, LEFT);
  barChart(doc, report);

  heading(doc, 'Services');
  const services = report.services.filter((s) => s.issued > 0 || s.feedback.total > 0 || s.feedback.misuse > 0);
  table(doc, [80, 34, 34, 38, 42, 42, 42, 40, 42, 42, 36, 36], [
    ['Service', 'Issued', 'Served', 'No-show', 'Wait p50', 'Wait p90', 'Wait max', 'In target', 'Svc p50', 'Svc p90', 'Ratings', 'Misuse'],
    ...services.map((s) => [s.serviceId, s.issued, s.served, s.noShow, mins(s.waitP50S), mins(s.waitP90S), mins(s.waitMaxS), pct(s.withinTargetPct), mins(s.serviceP50S), mins(s.serviceP90S), s.feedback.total, s.feedback.misuse]),
  ]);

  const feedbackRow = (id: string, served: number, tally: DailyReport['counters'][number]['feedback']) => [id, served, tally.total, ...RATINGS.map(([key]) => tally.byRating[key])];
  heading(doc, 'Counters');
  table(doc, [90, 60, 60, 60, 60, 60, 60], [['Counter', 'Served', 'Ratings', 'Poor', 'Fair', 'Good', 'Excellent'], ...report.counters.filter((c) => c.served > 0 || c.feedback.total > 0).map((c) => feedbackRow(c.counterId, c.served, c.feedback))]);
  heading(doc, 'Officers');
  table(doc, [90, 60, 60, 60, 60, 60, 60], [['Officer', 'Served', 'Ratings', 'Poor', 'Fair', 'Good', 'Excellent'], ...report.officers.map((o) => feedbackRow(o.officerId, o.served, o.feedback))]);

  doc.end();
  return done;
}

function heading(doc: PDFKit.PDFDocument, text: string): void {
  room(doc, 40);
  doc.moveDown(0.8).font('Helvetica-Bold').fontSize(11).text(text, LEFT).font('Helvetica').moveDown(0.2);
}

/** A new page when fewer than `height` points are left (pdfkit would split a row). */
function room(doc: PDFKit.PDFDocument, height: number): void {
  if (doc.y + height > BOTTOM) doc.addPage();
}

function table(doc: PDFKit.PDFDocument, widths: number[], rows: Array<Array<string | number>>): void {
  doc.fontSize(8);
  rows.forEach((cells, i) => {
    room(doc, 14);
    const y = doc.y;
    let x = LEFT;
    doc.font(i === 0 ? 'Helvetica-Bold' : 'Helvetica');
    cells.forEach((cell, j) => {
      doc.text(String(cell), x, y, { width: widths[j]! - 4, lineBreak: false, ellipsis: true });
      x += widths[j]!;
    });
    doc.moveTo(LEFT, y + 11).lineTo(x, y + 11).lineWidth(0.3).strokeColor('#bbb').stroke();
    doc.x = LEFT;
    doc.y = y + 13;
  });
  doc.font('Helvetica');
}

/** Horizontal bars, one per rating, scaled to the largest count. */
function barChart(doc: PDFKit.PDFDocument, report: DailyReport): void {
  room(doc, 80);
  const top = doc.y + 4;
  const max = Math.max(1, ...RATINGS.map(([key]) => report.feedback.byRating[key]));
  RATINGS.forEach(([key, label], i) => {
    const y = top + i * 16;
    const count = report.feedback.byRating[key];
    doc.fillColor('#000').fontSize(9).text(label, LEFT, y + 2, { width: 60, lineBreak: false });
    doc.rect(LEFT + 65, y, Math.max(1, (count / max) * 300), 12).fill(BAR_COLOURS[key]);
    doc.fillColor('#000').text(String(count), LEFT + 375, y + 2, { width: 60, lineBreak: false });
  });
  doc.x = LEFT;
  doc.y = top + RATINGS.length * 16 + 4;
}

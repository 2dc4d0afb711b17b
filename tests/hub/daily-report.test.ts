import { execFileSync } from 'node:child_process';
import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DailyReport } from '../../protocol/reports/daily-report.ts';
import { ManualClock } from '../../runtime/clock.ts';
import { ARTIFACTS_DIR } from '../helpers/browser.ts';
import { connectDevice, newBootId, publishPress, uptimeSince } from '../helpers/device-client.ts';
import { startHub, type HubFixture } from '../helpers/hub-fixture.ts';
import { withDeadline, WAIT_MS } from '../helpers/deadline.ts';
import { tokensFor, type Ticket } from '../helpers/queue-client.ts';

/**
 * A scripted day through a real hub (HTTP for the queue, MQTT for the presses, a manual
 * clock): the report must equal what this test recomputes from its own log of what it
 * did, never from the hub's tables (docs/reports.md).
 */
const COUNTERS = ['c01', 'c02', 'c03', 'c04', 'c05', 'c06', 'c07', 'c08', 'c09', 'c10'];
const MIN = 60_000;
/** 08:00 in Nairobi (UTC+3) on 2026-12-07. */
const DAY_START = Date.parse('2026-12-07T05:00:00Z');

interface LoggedTicket { id: string; serviceId: string; issuedAt: number; calledAt?: number; startedAt?: number; finishedAt?: number; status: 'waiting' | 'finished' | 'no_show'; counterId?: string; officerId?: string | null; transferred?: boolean }
interface LoggedPress { counterId: string; rating: 1 | 2 | 3 | 4; misuse: boolean; ticketId: string | null; serviceId: string | null }

let fixture: HubFixture | null = null;
const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
  await fixture?.stop();
  fixture = null;
});

describe('the daily report', () => {
  it('equals the figures recomputed from a scripted day, on the local day in Africa/Nairobi, as JSON, HTML and PDF', async () => {
    const clock = new ManualClock(DAY_START);
    fixture = await startHub({ clock });
    const api = new Http(fixture.ports.http);
    const tokens = tokensFor(fixture, COUNTERS);
    await fixture.admin.queue.officers.add('wanjiru', 'Wanjiru K.', '4821');
    const login = await api.call<{ token: string }>('POST', '/api/officer/login', null, { counterId: 'c04', officerId: 'wanjiru', pin: '4821' });
    expect(login.status).toBe(200);
    const c04 = login.body.token;
    const c01 = tokens.officer('c01');

    const tickets = new Map<string, LoggedTicket>();
    const presses: Array<LoggedPress & { day: string }> = [];
    const devices = new Map<string, { press: (rating: 1 | 2 | 3 | 4) => Promise<void> }>();
    for (const counterId of ['c01', 'c04']) {
      const deviceId = `eifd-${counterId}`;
      const device = await connectDevice(fixture.ports.mqtt, fixture.addDevice(deviceId, counterId));
      cleanups.push(() => device.endAsync());
      const boot = newBootId();
      const uptime = uptimeSince(1_000, () => clock.now());
      let seq = 0;
      devices.set(counterId, { press: async (rating) => void (await publishPress(device, 'demo-centre', deviceId, { seq: ++seq, boot, rating, upMs: uptime(), sentUpMs: uptime() })) });
    }
    const issue = async (serviceId: string) => {
      const ticket = (await api.issue(tokens.kiosk, serviceId)).body.ticket;
      tickets.set(ticket.id, { id: ticket.id, serviceId, issuedAt: clock.now(), status: 'waiting' });
      return tickets.get(ticket.id)!;
    };
    const act = async (token: string, counterId: string, action: string, body?: unknown) => {
      const answer = await api.counter(token, counterId, action, body);
      expect(answer.status, `${action} at ${counterId}`).toBeLessThan(300);
      return answer.body?.ticket ?? null;
    };
    const press = async (counterId: string, rating: 1 | 2 | 3 | 4, serving: LoggedTicket | null, misuse = false, day = '2026-12-07') => {
      await devices.get(counterId)!.press(rating);
      presses.push({ counterId, rating, misuse, ticketId: serving?.id ?? null, serviceId: serving?.serviceId ?? null, day });
    };

    // 08:00–08:03: four tickets, a minute apart so the calling order is certain.
    const a = await issue('birth-cert');
    clock.advance(MIN);
    const b = await issue('birth-cert');
    clock.advance(MIN);
    const c = await issue('death-cert');
    clock.advance(MIN);
    const d = await issue('id-duplicate');
    // 08:10 counter 4 (officer wanjiru) serves A: a good rating, then a repeat inside the lock-out (misuse).
    clock.advance(7 * MIN);
    expect((await act(c04, 'c04', 'call-next'))!.id).toBe(a.id);
    Object.assign(a, { calledAt: clock.now(), counterId: 'c04', officerId: 'wanjiru' });
    await act(c04, 'c04', 'start');
    a.startedAt = clock.now();
    clock.advance(3 * MIN);
    await press('c04', 4, a);
    await press('c04', 4, a, true);
    clock.advance(3 * MIN);
    await act(c04, 'c04', 'finish');
    Object.assign(a, { finishedAt: clock.now(), status: 'finished' });
    // 08:16 B: started a minute after the call, rated poor.
    expect((await act(c04, 'c04', 'call-next'))!.id).toBe(b.id);
    Object.assign(b, { calledAt: clock.now(), counterId: 'c04', officerId: 'wanjiru' });
    clock.advance(MIN);
    await act(c04, 'c04', 'start');
    b.startedAt = clock.now();
    clock.advance(3 * MIN);
    await press('c04', 1, b);
    clock.advance(5 * MIN);
    await act(c04, 'c04', 'finish');
    Object.assign(b, { finishedAt: clock.now(), status: 'finished' });
    // 08:25 C (death certificate) never comes: called, recalled, no-show.
    expect((await act(c04, 'c04', 'call-next'))!.id).toBe(c.id);
    c.calledAt = clock.now();
    clock.advance(2 * MIN);
    await act(c04, 'c04', 'recall');
    clock.advance(2 * MIN);
    await act(c04, 'c04', 'no-show');
    c.status = 'no_show';
    // 08:30 counter 1 calls D, transfers it to document collection, calls it again and serves it.
    clock.advance(MIN);
    expect((await act(c01, 'c01', 'call-next'))!.id).toBe(d.id);
    d.calledAt = clock.now();
    clock.advance(MIN);
    await act(c01, 'c01', 'transfer', { serviceId: 'collection' });
    Object.assign(d, { serviceId: 'collection', transferred: true });
    expect((await act(c01, 'c01', 'call-next'))!.id).toBe(d.id);
    clock.advance(MIN);
    await act(c01, 'c01', 'start');
    d.startedAt = clock.now();
    clock.advance(MIN);
    await press('c01', 3, d);
    clock.advance(2 * MIN);
    await act(c01, 'c01', 'finish');
    Object.assign(d, { finishedAt: clock.now(), status: 'finished', counterId: 'c01', officerId: null });
    // 12:00 a press with nobody served; 23:30 local a ticket nobody calls; 23:50 a press.
    clock.advance(Date.parse('2026-12-07T09:00:00Z') - clock.now());
    await press('c01', 2, null);
    clock.advance(Date.parse('2026-12-07T20:30:00Z') - clock.now());
    const e = await issue('birth-cert');
    clock.advance(20 * MIN);
    await press('c01', 3, null);
    // 00:30 and 00:40 local: the next day (UTC is still 7 December).
    clock.advance(Date.parse('2026-12-07T21:30:00Z') - clock.now());
    const f = await issue('birth-cert');
    clock.advance(10 * MIN);
    await press('c01', 4, null, false, '2026-12-08');
    expect(e.id.startsWith('20261207-')).toBe(true);
    expect(f.id.startsWith('20261208-')).toBe(true);

    // Staff tokens have a lifetime (docs/security.md): fresh ones after the day's hours.
    Object.assign(tokens, tokensFor(fixture, COUNTERS));
    const today = await api.call<Record<string, unknown>>('GET', '/api/reports/daily', tokens.manager);
    expect(today.status).toBe(200);
    expect(today.body.date).toBe('2026-12-08');
    const answer = await api.call('GET', '/api/reports/daily?date=2026-12-07', tokens.technician);
    expect(answer.status).toBe(200);
    const report = DailyReport.parse(answer.body);
    const expected = recompute([...tickets.values()].filter((t) => t.issuedAt < Date.parse('2026-12-07T21:00:00Z')), presses.filter((p) => p.day === '2026-12-07'));
    expect(strip(report)).toEqual(expected);
    // The recomputation is not vacuous: the figures the script was written to produce.
    expect(report.tickets).toEqual({ issued: 5, served: 3, noShow: 1, transferred: 1, waitingAtClose: 1 });
    expect(report.feedback).toMatchObject({ total: 5, misuse: 1, satisfactionPct: 60, ratedSharePct: 100 });
    expect(report.services.find((s) => s.serviceId === 'birth-cert')).toMatchObject({ waitP50S: 600, waitP90S: 900, withinTargetPct: 100, serviceP50S: 360, serviceP90S: 480 });
    expect(report.from).toBe('2026-12-06T21:00:00.000Z');
    const next = DailyReport.parse((await api.call('GET', '/api/reports/daily?date=2026-12-08', tokens.manager)).body);
    expect(next.tickets.issued).toBe(1);
    expect(next.feedback).toMatchObject({ total: 1, byRating: { '1': 0, '2': 0, '3': 0, '4': 1 } });

    // The page: CSP-safe (no script, no style attribute), its stylesheet served by the hub.
    const html = await api.raw('/api/reports/daily/2026-12-07.html', tokens.manager);
    expect(html.type).toMatch(/^text\/html/);
    const page = html.bytes.toString('utf8');
    expect(page).toContain('<link rel="stylesheet" href="/assets/report.css">');
    expect(page).not.toMatch(/<script|style=/);
    expect(page).toContain('wanjiru');
    expect((await api.raw('/assets/report.css', null)).type).toMatch(/^text\/css/);

    // The PDF: read back as text with poppler, one or two A4 pages, rendered to PNG.
    const pdfAnswer = await api.raw('/api/reports/daily/2026-12-07.pdf', tokens.manager);
    expect(pdfAnswer.type).toBe('application/pdf');
    const dir = join(ARTIFACTS_DIR, 'reports');
    mkdirSync(dir, { recursive: true });
    const pdfPath = join(dir, 'daily-report-2026-12-07.pdf');
    writeFileSync(pdfPath, pdfAnswer.bytes);
    const text = execFileSync('pdftotext', ['-layout', pdfPath, '-'], { encoding: 'utf8' });
    expect(text).toContain('Daily report');
    expect(text).toMatch(/Issued\s+Served\s+No-show\s+Transferred\s+Still waiting\s*\n\s*5\s+3\s+1\s+1\s+1/);
    expect(text).toContain('satisfaction 60%');
    expect(text).toMatch(/birth-cert\s+3\s+2\s+0\s+10\.0 min\s+15\.0 min/);
    expect(text).toMatch(/wanjiru\s+2\s+2\s+1\s+0\s+0\s+1/);
    const info = execFileSync('pdfinfo', [pdfPath], { encoding: 'utf8' });
    expect(Number(/Pages:\s+(\d+)/.exec(info)![1])).toBeLessThanOrEqual(2);
    expect(info).toMatch(/Page size:\s+595\.\d+ x 841\.\d+ pts \(A4\)/);
    execFileSync('pdftoppm', ['-png', '-r', '60', '-f', '1', '-l', '1', pdfPath, join(dir, 'daily-report-2026-12-07')]);
    expect(statSync(join(dir, 'daily-report-2026-12-07-1.png')).size).toBeGreaterThan(5_000);
  });

  it('answers 401 without a token, 403 to a kiosk token, 400 to a date that is not one', async () => {
    fixture = await startHub();
    const api = new Http(fixture.ports.http);
    const tokens = tokensFor(fixture, COUNTERS);
    for (const path of ['/api/reports/daily', '/api/reports/daily/2026-12-07.pdf', '/api/reports/daily/2026-12-07.html']) {
      expect((await api.call('GET', path, null)).status).toBe(401);
      expect((await api.call('GET', path, tokens.kiosk)).status).toBe(403);
      expect((await api.call('GET', path, tokens.officer('c01'))).status).toBe(403);
    }
    expect((await api.call('GET', '/api/reports/daily?date=2026-02-30', tokens.manager)).status).toBe(400);
    expect((await api.call('GET', '/api/reports/daily?date=7.12.2026', tokens.manager)).status).toBe(400);
    expect((await api.call('GET', '/api/reports/daily/yesterday.pdf', tokens.manager)).status).toBe(404);
  });
});

/**
 * HTTP to the hub, each request on a connection of its own: firing hours of the hub's
 * timers on the manual clock can block its loop past the keep-alive time-out, and a
 * pooled connection would race the server closing it (see tests/hub/queue-live.test.ts).
 */
class Http {
  constructor(readonly port: number) {}

  raw(path: string, token: string | null, method = 'GET', body?: unknown): Promise<{ status: number; type: string; bytes: Buffer }> {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const answer = new Promise<{ status: number; type: string; bytes: Buffer }>((resolve, reject) => {
      const headers = { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(payload === undefined ? {} : { 'content-type': 'application/json' }) };
      const req = httpRequest({ host: '127.0.0.1', port: this.port, method, path, agent: false, headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode!, type: String(res.headers['content-type'] ?? ''), bytes: Buffer.concat(chunks) }));
      });
      req.on('error', reject);
      req.end(payload);
    });
    return withDeadline(answer, WAIT_MS, `the hub's answer to ${method} ${path}`);
  }

  async call<T = Record<string, unknown>>(method: 'GET' | 'POST', path: string, token: string | null, body?: unknown): Promise<{ status: number; body: T }> {
    const { status, bytes } = await this.raw(path, token, method, body);
    return { status, body: (bytes.length ? JSON.parse(bytes.toString('utf8')) : null) as T };
  }

  issue(token: string, serviceId: string) {
    return this.call<{ ticket: Ticket }>('POST', '/api/tickets', token, { serviceId, category: 'regular', language: 'en' });
  }

  counter(token: string, counterId: string, action: string, body?: unknown) {
    return this.call<{ ticket: Ticket | null } | null>('POST', `/api/counters/${counterId}/${action}`, token, body ?? {});
  }
}

/** The report's figures from the test's own log: nearest-rank percentiles, whole seconds. */
function recompute(tickets: LoggedTicket[], presses: LoggedPress[]) {
  const rank = (values: number[], p: number) => (values.length ? [...values].sort((x, y) => x - y)[Math.ceil((p / 100) * values.length) - 1]! : null);
  const pct = (part: number, whole: number) => (whole ? Math.round((part / whole) * 1000) / 10 : null);
  const tally = (list: LoggedPress[]) => ({ total: list.length, byRating: { '1': count(list, 1), '2': count(list, 2), '3': count(list, 3), '4': count(list, 4) } });
  const count = (list: LoggedPress[], rating: number) => list.filter((p) => p.rating === rating).length;
  const counted = presses.filter((p) => !p.misuse);
  const served = tickets.filter((t) => t.status === 'finished');
  const serviceIds = [...new Set(tickets.map((t) => t.serviceId))];
  return {
    tickets: { issued: tickets.length, served: served.length, noShow: tickets.filter((t) => t.status === 'no_show').length, transferred: tickets.filter((t) => t.transferred).length, waitingAtClose: tickets.filter((t) => t.status === 'waiting').length },
    services: serviceIds.sort().map((serviceId) => {
      const own = tickets.filter((t) => t.serviceId === serviceId);
      const waits = own.filter((t) => t.calledAt !== undefined).map((t) => (t.calledAt! - t.issuedAt) / 1000);
      const times = own.filter((t) => t.status === 'finished').map((t) => (t.finishedAt! - t.startedAt!) / 1000);
      const mine = presses.filter((p) => p.serviceId === serviceId);
      return {
        serviceId, issued: own.length, served: times.length, noShow: own.filter((t) => t.status === 'no_show').length,
        waitP50S: rank(waits, 50), waitP90S: rank(waits, 90), waitMaxS: rank(waits, 100), withinTargetPct: pct(waits.filter((w) => w <= 20 * 60).length, waits.length),
        serviceP50S: rank(times, 50), serviceP90S: rank(times, 90),
        feedback: { ...tally(mine.filter((p) => !p.misuse)), misuse: mine.filter((p) => p.misuse).length },
      };
    }),
    counters: ['c01', 'c04'].map((counterId) => ({ counterId, served: served.filter((t) => t.counterId === counterId).length, feedback: tally(counted.filter((p) => p.counterId === counterId)) })),
    officers: [{ officerId: 'wanjiru', served: served.filter((t) => t.officerId === 'wanjiru').length, feedback: tally(counted.filter((p) => p.ticketId && tickets.find((t) => t.id === p.ticketId)?.officerId === 'wanjiru')) }],
    feedback: {
      ...tally(counted), misuse: presses.length - counted.length,
      satisfactionPct: pct(counted.filter((p) => p.rating >= 3).length, counted.length),
      ratedSharePct: pct(new Set(counted.map((p) => p.ticketId).filter((id) => id && served.some((t) => t.id === id))).size, served.length),
    },
    peakHour: { hour: 8, issued: tickets.filter((t) => t.issuedAt < DAY_START + 60 * MIN).length },
  };
}

/** The report without what the script did not touch: idle services and counters, and the day's bounds. */
function strip(report: DailyReport) {
  return {
    tickets: report.tickets,
    services: report.services.filter((s) => s.issued > 0).map(({ targetWaitMin: _target, ...rest }) => rest).sort((x, y) => x.serviceId.localeCompare(y.serviceId)),
    counters: report.counters.filter((c) => c.served > 0 || c.feedback.total > 0),
    officers: report.officers,
    feedback: report.feedback,
    peakHour: report.peakHour,
  };
}

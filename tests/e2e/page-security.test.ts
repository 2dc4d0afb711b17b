import { createServer, type Server } from 'node:http';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeBrowser, launchBrowser, testId, watchPage } from '../helpers/browser.ts';
import { writeCentreConfig } from '../helpers/config-file.ts';
import { runHubCli, spawnHub, type HubProcess } from '../helpers/hub-process.ts';
import { lanAddress, lanRequest, rawConnection, readUntilClosed } from '../helpers/lan-client.ts';
import { tempDir } from '../helpers/temp-dir.ts';

/**
 * Issue 12, item 7 (pages) and the refusals' shape (docs/security.md, "Hub HTTP API"),
 * against a running hub: every answer carries the CSP and frame headers; the pages work
 * under the CSP in real Chromium; a page on another origin that frames the counter
 * console gets nothing rendered. The hub runs with small per-address caps so the raw
 * connection refusal and the stream refusal can be seen from one address.
 */
const EXPECTED = {
  'content-security-policy': expect.stringContaining("frame-ancestors 'none'"),
  'x-frame-options': 'DENY',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

describe('security headers and framing (a running hub, real Chromium)', () => {
  const dir = tempDir('huduma-page-security-');
  let hub: HubProcess;
  let base: string;
  let kiosk: string;
  let browser: Browser;
  let framer: Server;
  let framerUrl: string;

  beforeAll(async () => {
    const created = await runHubCli(['token', 'create', '--role', 'kiosk', '--data-dir', dir.path]);
    kiosk = (JSON.parse(created.stdout) as { token: string }).token;
    const config = writeCentreConfig(dir.path, { http: { limits: { connectionsPerAddress: 8, streamsPerAddress: 2, headersTimeoutMs: 2000 } } });
    hub = await spawnHub(['--config', config, '--data-dir', dir.path, '--mqtt-port', '0', '--http-port', '0', '--host', '127.0.0.1']);
    base = `http://127.0.0.1:${hub.httpPort}`;
    // Another origin (another port) whose page frames the counter console.
    framer = createServer((_request, response) => {
      response.setHeader('content-type', 'text/html; charset=utf-8');
      response.end(`<!doctype html><title>not the hub</title><iframe id="console" src="${base}/counter" width="800" height="600"></iframe>`);
    });
    await new Promise<void>((resolve) => framer.listen(0, '127.0.0.1', resolve));
    framerUrl = `http://localhost:${(framer.address() as { port: number }).port}/`;
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await closeBrowser(browser);
    await new Promise((resolve) => framer?.close(resolve));
    await hub?.kill();
    dir.remove();
  });

  it('puts the headers on pages, assets, API answers, errors and the event stream', async () => {
    const answers = await Promise.all([
      lanRequest(hub.httpPort, { path: '/counter' }),
      lanRequest(hub.httpPort, { path: '/assets/counter.js' }),
      lanRequest(hub.httpPort, { path: '/api/services' }),
      lanRequest(hub.httpPort, { path: '/health' }),
      lanRequest(hub.httpPort, { path: '/no-such-page' }),
      lanRequest(hub.httpPort, { path: '/api/tickets', body: { serviceId: 'kra' } }),
    ]);
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200, 404, 401]);
    for (const answer of answers) expect(answer.headers).toMatchObject(EXPECTED);

    const stream = await rawConnection(hub.httpPort, '127.0.0.1');
    const head = await new Promise<string>((resolve) => {
      stream.once('data', (chunk: Buffer) => resolve(chunk.toString('latin1')));
      stream.write('GET /api/queue/stream HTTP/1.1\r\nhost: hub\r\n\r\n');
    });
    stream.destroy();
    expect(head).toMatch(/^HTTP\/1\.1 200/);
    expect(head).toMatch(/^x-frame-options: DENY\r$/im);
    expect(head).toMatch(/^content-security-policy: .*frame-ancestors 'none'/im);
  });

  it('refuses a client over its caps with JSON, Retry-After and the same headers', async () => {
    const from = lanAddress(5);
    const streams = await Promise.all([0, 1].map(() => rawConnection(hub.httpPort, from)));
    for (const socket of streams) socket.write('GET /api/queue/stream HTTP/1.1\r\nhost: hub\r\n\r\n');
    let third = await lanRequest(hub.httpPort, { from, path: '/api/queue/stream' });
    // The two streams may still be on their way in: ask until the hub has counted them.
    for (let i = 0; i < 50 && third.status === 200; i++) third = await lanRequest(hub.httpPort, { from, path: '/api/queue/stream' });
    expect(third.status).toBe(429);
    expect(third.json.error).toMatchObject({ code: 'too_many_streams', message: expect.stringContaining('http.limits.streamsPerAddress') });
    expect(third.headers['retry-after']).toBe('30');
    expect(third.headers).toMatchObject(EXPECTED);

    // 8 connections from one address (the 2 streams and 6 idle): the 9th is answered 503 at accept.
    const idle = await Promise.all(Array.from({ length: 6 }, () => rawConnection(hub.httpPort, from)));
    const ninth = await rawConnection(hub.httpPort, from);
    const refused = await readUntilClosed(ninth);
    expect(refused).toMatch(/^HTTP\/1\.1 503 Service Unavailable\r\n/);
    expect(refused).toMatch(/\r\nretry-after: 10\r\n/);
    expect(refused).toMatch(/\r\nx-frame-options: DENY\r\n/);
    expect(JSON.parse(refused.slice(refused.indexOf('\r\n\r\n') + 4))).toMatchObject({ error: { code: 'too_many_connections', message: expect.stringContaining('http.limits.connectionsPerAddress') } });
    for (const socket of [...streams, ...idle]) socket.destroy();
    // Another address is not affected.
    expect((await lanRequest(hub.httpPort, { from: lanAddress(6), path: '/health' })).status).toBe(200);
  });

  it('closes a connection that says nothing once the header time-out has passed (2 s here), not after the 60 s idle time-out', async () => {
    const silent = await rawConnection(hub.httpPort, lanAddress(7));
    const opened = performance.now();
    const said = await readUntilClosed(silent);
    const lifeMs = performance.now() - opened;
    expect(said).toBe('');
    expect(lifeMs).toBeGreaterThan(1500);
    expect(lifeMs).toBeLessThan(30_000);
  });

  it('the pages work under the CSP in Chromium, and another origin that frames the counter console gets nothing rendered', async () => {
    const context = await browser.newContext({ viewport: { width: 1366, height: 900 } });
    try {
      for (const [path, ready] of [['/counter', 'login'], [`/kiosk#token=${kiosk}`, 'screen-home'], ['/board', 'sound-overlay']] as const) {
        const page = await context.newPage();
        const problems = watchPage(page);
        const violations: string[] = [];
        page.on('console', (message) => {
          if (/Content Security Policy/i.test(message.text())) violations.push(message.text());
        });
        const response = await page.goto(`${base}${path}`);
        expect(response?.headers()['content-security-policy']).toContain("script-src 'self'");
        await expect.poll(() => page.locator(testId(ready)).isVisible()).toBe(true);
        expect(violations).toEqual([]);
        expect(problems.errors).toEqual([]);
        await page.close();
      }

      const page = await context.newPage();
      const refusals: string[] = [];
      page.on('console', (message) => refusals.push(message.text()));
      await page.goto(framerUrl);
      const frameElement = await page.waitForSelector('#console');
      await expect.poll(() => refusals.some((text) => /frame-ancestors|Refused to (display|frame)/i.test(text))).toBe(true);
      const frame = await frameElement.contentFrame();
      // Blocked: Chromium shows its error page in the frame, never the console.
      expect(frame?.url() ?? '').not.toContain('/counter');
      expect(await frame?.locator(testId('login')).count()).toBe(0);
      expect(await frame?.locator(testId('pin-key-1')).count()).toBe(0);
    } finally {
      await context.close();
    }
  });

  it('a board refused a stream backs off instead of hammering, says it is reconnecting, and connects once a place is free', async () => {
    // 127.0.0.1 holds both of its streams (streamsPerAddress 2 here): the board's own is refused with 429.
    const held = await Promise.all([0, 1].map(() => rawConnection(hub.httpPort, '127.0.0.1')));
    for (const socket of held) socket.write('GET /api/queue/stream HTTP/1.1\r\nhost: hub\r\n\r\n');
    // Both held streams open (expect.poll's 1 s default is short on a shared box).
    await expect.poll(async () => (await lanRequest(hub.httpPort, { path: '/health' })).json.http.streams, { timeout: 10_000 }).toBe(2);
    const context = await browser.newContext({ viewport: { width: 1920, height: 1080 } });
    try {
      const page = await context.newPage();
      const attempts: Array<{ at: number; status: number }> = [];
      page.on('response', (response) => {
        // The browser's own start time of each request (event delivery to the test lags).
        if (response.url().endsWith('/api/queue/stream')) attempts.push({ at: response.request().timing().startTime, status: response.status() });
      });
      await page.goto(`${base}/board`);
      await expect.poll(() => attempts.length, { timeout: 15_000 }).toBeGreaterThanOrEqual(3);
      expect(attempts.slice(0, 3).map((a) => a.status)).toEqual([429, 429, 429]);
      // stream.js backs off 1 s, then 2 s (then 4, 8, 15): lower bounds only.
      expect(attempts[1]!.at - attempts[0]!.at).toBeGreaterThan(900);
      expect(attempts[2]!.at - attempts[1]!.at).toBeGreaterThan(1900);
      await expect.poll(() => page.locator(testId('connection-status')).isVisible()).toBe(true);
      for (const socket of held) socket.destroy();
      await expect.poll(() => page.locator(testId('connection-status')).isVisible(), { timeout: 15_000 }).toBe(false);
      expect(attempts.at(-1)!.status).toBe(200);
    } finally {
      for (const socket of held) socket.destroy();
      await context.close();
    }
  });
});

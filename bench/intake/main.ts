// npm run bench:intake: the Secretariat receiver (its own process, default limits) under
// the probe's slow-body attack, and a centre uploading a full batch over a poor link.
// Prints the figures of docs/performance.md ("Secretariat intake") and, last, one line
// of JSON. Options: --sockets 600 --addresses 3 (attack sockets, spread over that many
// loopback addresses; each address may hold 4 unverified bodies) --slow-link (also the
// 4 MB at 64 kbit/s upload: about nine minutes) --slow-bytes N --slow-rate BYTES_PER_S.
import { randomBytes, randomUUID } from 'node:crypto';
import http from 'node:http';
import { SYNC_MAX_COMPRESSED_BYTES, SYNC_PATHS } from '../../protocol/sync/index.ts';
import { waitUntil } from '../../tests/helpers/hub-process.ts';
import { runSecretariatCli, spawnSecretariat, type SecretariatProcess } from '../../tests/helpers/secretariat-process.ts';
import { openAttackSocket, paced, type AttackSocket } from '../../tests/helpers/sync-attack.ts';
import { tempDir } from '../../tests/helpers/temp-dir.ts';
import { batchBody, feedbackEvent, gzipJson, post, signedEvent, syncHeaders } from '../../tests/secretariat/sync-fixture.ts';
import { ensureRuntime } from '../sync/processes.ts';

const argv = process.argv.slice(2);
const option = (name: string, fallback: number) => {
  const at = argv.indexOf(`--${name}`);
  return at === -1 ? fallback : Number(argv[at + 1]);
};
const SOCKETS = option('sockets', 600);
const ADDRESSES = option('addresses', 3);
const SLOW_LINK = argv.includes('--slow-link');
const SLOW_BYTES = option('slow-bytes', 4_000_000);
const SLOW_RATE = option('slow-rate', 8000);
const MB = 1024 * 1024;
const out = (line: string) => process.stdout.write(`${line}\n`);

ensureRuntime();
const dir = tempDir('huduma-bench-intake-');
let sec: SecretariatProcess | undefined;
const sockets: AttackSocket[] = [];
try {
  sec = await spawnSecretariat(['--data-dir', dir.path, '--http-port', '0']);
  const secret = (JSON.parse((await runSecretariatCli(['centre', 'add', 'c1', '--data-dir', dir.path])).stdout) as { secret: string }).secret;
  await runSecretariatCli(['centre', 'add', 'decoy', '--data-dir', dir.path]);
  const epoch = randomUUID();
  let seq = 1;
  const legit = async () => {
    const body = gzipJson(batchBody('c1', [signedEvent(feedbackEvent(seq))], epoch, new Date().toISOString()));
    const answer = await post(sec!.url, SYNC_PATHS.batches, body, syncHeaders(body, { secret, centreId: 'c1', timestamp: Date.now() }));
    if (answer.status === 200) seq += 1;
    return answer;
  };
  await legit();
  const before = { rss: sec.rssBytes(), fds: sec.openFds() };
  let peak = before.rss;
  const sampler = setInterval(() => (peak = Math.max(peak, sec!.rssBytes())), 25);

  const started = performance.now();
  const firstSlice = randomBytes(64 * 1024);
  const rest = randomBytes(SYNC_MAX_COMPRESSED_BYTES - 1 - firstSlice.length);
  for (let a = 0; a < ADDRESSES; a++) {
    const localAddress = `127.0.0.${2 + a}`;
    const count = Math.floor(SOCKETS / ADDRESSES) + (a < SOCKETS % ADDRESSES ? 1 : 0);
    const opened = await Promise.all(Array.from({ length: count }, () => openAttackSocket({ port: sec!.httpPort, localAddress, centreId: 'decoy', declaredBytes: SYNC_MAX_COMPRESSED_BYTES })));
    sockets.push(...opened);
    await Promise.all(opened.map((attack) => attack.write(firstSlice)));
  }
  await Promise.all(sockets.map((attack) => attack.write(rest)));
  const sent = performance.now();
  const held = ((await (await fetch(`${sec.url}/health`)).json()) as { intake: { unverifiedBodies: number; unverifiedBytes: number } }).intake;
  const during = await legit();
  const duringRss = sec.rssBytes();
  await Promise.all(sockets.map((attack) => attack.closed));
  const dropped = performance.now();
  await waitUntil(async () => ((await (await fetch(`${sec!.url}/health`)).json()) as { intake: { unverifiedBodies: number } }).intake.unverifiedBodies, (n) => n === 0, 'the intake to empty');
  const after = await legit();
  const refusedByServer = ((await (await fetch(`${sec.url}/health`)).json()) as { intake: { refused: Record<string, number> } }).intake.refused;
  clearInterval(sampler);
  const afterRss = sec.rssBytes();
  const statuses = new Map<string, number>();
  for (const attack of sockets) statuses.set(String(attack.status() ?? 'held'), (statuses.get(String(attack.status() ?? 'held')) ?? 0) + 1);

  out(`secretariat intake bench: ${SOCKETS} sockets from ${ADDRESSES} addresses, each headers + ${SYNC_MAX_COMPRESSED_BYTES - 1} bytes of a ${SYNC_MAX_COMPRESSED_BYTES}-byte body, default limits`);
  out(`  answers to the attack sockets: ${[...statuses].map(([status, n]) => `${status} ×${n}`).join(', ')} (the receiver refused ${JSON.stringify(refusedByServer)}; an answer can be lost to the reset when a refused sender is still sending)`);
  out(`  held at the peak: ${held.unverifiedBodies} unverified bodies, ${(held.unverifiedBytes / MB).toFixed(0)} MiB reserved`);
  out(`  RSS: before ${(before.rss / MB).toFixed(1)} MB, peak ${(peak / MB).toFixed(1)} MB, after the drop ${(afterRss / MB).toFixed(1)} MB (sampled every 25 ms); open fds ${before.fds} before, ${sec.openFds()} after`);
  out(`  all bytes sent after ${((sent - started) / 1000).toFixed(1)} s; every socket dropped ${((dropped - sent) / 1000).toFixed(1)} s after`);
  out(`  a signed batch during the attack: HTTP ${during.status}${during.status === 200 ? '' : ` ${JSON.stringify(during.json.error)} Retry-After ${during.headers.get('retry-after')}`}, RSS then ${(duringRss / MB).toFixed(1)} MB; after: HTTP ${after.status}`);

  let slowSeconds: number | null = null;
  if (SLOW_LINK) {
    const events: unknown[] = [];
    let body: Buffer = Buffer.alloc(0);
    while (body.length < SLOW_BYTES) {
      for (let i = 0; i < 200; i++) events.push(signedEvent({ seq: seq + events.length, type: 'bench.blob', at: new Date().toISOString(), data: { blob: randomBytes(800).toString('base64') } }));
      body = gzipJson(batchBody('c1', events, epoch, new Date().toISOString()));
    }
    const began = performance.now();
    const answer = await new Promise<{ status: number; text: string }>((resolve, reject) => {
      const headers = { ...syncHeaders(body, { secret, centreId: 'c1', timestamp: Date.now() }), 'content-length': String(body.length) };
      const request = http.request({ host: '127.0.0.1', port: sec!.httpPort, method: 'POST', path: SYNC_PATHS.batches, headers }, (response) => {
        let text = '';
        response.on('data', (chunk: Buffer) => (text += chunk));
        response.on('end', () => resolve({ status: response.statusCode!, text }));
      });
      request.on('error', reject);
      void paced((bytes) => request.write(bytes), body, SLOW_RATE).then(() => request.end());
    });
    slowSeconds = (performance.now() - began) / 1000;
    out(`  slow link: ${body.length} bytes (${events.length} events) at ${(SLOW_RATE * 8) / 1000} kbit/s: HTTP ${answer.status} after ${slowSeconds.toFixed(1)} s ${answer.text.slice(0, 80)}`);
  }
  out(JSON.stringify({
    bench: 'secretariat-intake', sockets: SOCKETS, addresses: ADDRESSES, heldBodies: held.unverifiedBodies, heldMiB: held.unverifiedBytes / MB,
    rssBeforeMb: +(before.rss / MB).toFixed(1), rssPeakMb: +(peak / MB).toFixed(1), rssAfterMb: +(afterRss / MB).toFixed(1),
    legitDuring: during.status, legitAfter: after.status, slowLinkSeconds: slowSeconds,
  }));
} finally {
  for (const attack of sockets) attack.socket.destroy();
  await sec?.stop();
  dir.remove();
}

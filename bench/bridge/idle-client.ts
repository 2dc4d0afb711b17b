// The memory baseline for the bridge process: the same node, the same tsx loader
// (run through bin/run-ts.js, as bin/huduma-bridge.js registers it), and, when
// BENCH_DEVICES lists devices, mqtt.js with one connection per device, subscribed to
// the device's config and cmd topics as the bridge's HubLink is. Nothing else:
// no johnny-five, serialport, pino, zod or bridge code. Prints "ready" on stdout once
// connected, then idles until killed.

const devices = JSON.parse(process.env.BENCH_DEVICES ?? '[]') as Array<{ deviceId: string; password: string }>;
const url = process.env.BENCH_HUB ?? 'mqtt://127.0.0.1:1883';
const centreId = process.env.BENCH_CENTRE ?? 'demo-centre';

if (devices.length > 0) {
  const { default: mqtt } = await import('mqtt');
  await Promise.all(
    devices.map(async ({ deviceId, password }) => {
      const client = await mqtt.connectAsync(url, { clientId: deviceId, username: deviceId, password, clean: true, keepalive: 15, reconnectPeriod: 0 });
      // Spelled out rather than imported from protocol/topics.ts, which would load zod.
      const base = `huduma/v1/${centreId}/devices/${deviceId}`;
      await client.subscribeAsync([`${base}/config`, `${base}/cmd`], { qos: 1 });
    }),
  );
}
process.stdout.write('ready\n');
setInterval(() => undefined, 60_000);

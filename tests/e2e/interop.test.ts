import { execFile } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deviceTopic, hubStatusTopic } from '../../protocol/topics.ts';
import { withDeadline } from '../helpers/deadline.ts';
import { startHub, type HubFixture } from '../helpers/hub-fixture.ts';

const CENTRE = 'demo-centre';

function run(command: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const ran = new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(command, args, { timeout: 10_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
    });
  });
  // execFile's own timeout kills the child; this names the command if even that hangs.
  return withDeadline(ran, 15_000, `\`${command} ${args.filter((a, i) => args[i - 1] !== '-P').join(' ')}\` to exit`);
}

/** An independent MQTT implementation (Eclipse mosquitto's clients) against our broker. */
describe('interop with mosquitto_pub / mosquitto_sub', () => {
  let fx: HubFixture;
  beforeAll(async () => {
    fx = await startHub();
  });
  afterAll(async () => {
    await fx.stop();
  });

  const auth = (deviceId: string, password: string) => ['-h', '127.0.0.1', '-p', String(fx.ports.mqtt), '-i', deviceId, '-u', deviceId, '-P', password, '-V', 'mqttv311'];

  it('stores a press published by mosquitto_pub -q 1 with device credentials', async () => {
    const creds = fx.addDevice('eifd-61', 'c09');
    const press = JSON.stringify({ seq: 1, boot: 'mosquitto-0001', rating: 4, upMs: 5000, sentUpMs: 5100 });
    const result = await run('mosquitto_pub', [...auth('eifd-61', creds.password), '-q', '1', '-t', deviceTopic(CENTRE, 'eifd-61', 'press'), '-m', press]);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    // mosquitto_pub exits after the PUBACK, so the press is already committed.
    expect(fx.hub.health().ingest.pressesTotal).toBe(1);
  });

  it('refuses mosquitto_pub with a wrong password', async () => {
    fx.addDevice('eifd-62');
    const result = await run('mosquitto_pub', [...auth('eifd-62', 'wrong-password'), '-q', '1', '-t', deviceTopic(CENTRE, 'eifd-62', 'press'), '-m', '{}']);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/bad user name or password|not authori[sz]ed/i);
  });

  it('delivers the retained config and hub status to mosquitto_sub', async () => {
    const creds = fx.addDevice('eifd-63', 'c10');
    const result = await run('mosquitto_sub', [...auth('eifd-63', creds.password), '-q', '1', '-C', '2', '-v', '-t', deviceTopic(CENTRE, 'eifd-63', 'config'), '-t', hubStatusTopic(CENTRE)]);
    expect(result.code).toBe(0);
    const lines = result.stdout.trim().split('\n');
    const byTopic = new Map(lines.map((line) => [line.slice(0, line.indexOf(' ')), JSON.parse(line.slice(line.indexOf(' ') + 1))]));
    expect(byTopic.get(deviceTopic(CENTRE, 'eifd-63', 'config'))).toMatchObject({ counterId: 'c10', counterLabel: '10' });
    expect(byTopic.get(hubStatusTopic(CENTRE))).toMatchObject({ state: 'online' });
  });
});

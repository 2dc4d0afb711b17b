import { systemClock } from '../../../runtime/clock.ts';
import { DeviceStore } from '../../devices/device-store.ts';
import { HubError } from '../../errors.ts';
import { onePositional, parseCommandArgs, printJson, type CliIo } from '../../../runtime/cli.ts';
import { withStore } from '../store-access.ts';

const COMMON = { 'data-dir': { type: 'string' }, config: { type: 'string' } } as const;
const USAGE = {
  add: 'huduma-hub device add DEVICE_ID --counter COUNTER_ID [--data-dir DIR]',
  move: 'huduma-hub device move DEVICE_ID --counter COUNTER_ID [--data-dir DIR]',
  revoke: 'huduma-hub device revoke DEVICE_ID [--data-dir DIR]',
  rekey: 'huduma-hub device rekey DEVICE_ID [--data-dir DIR]',
  list: 'huduma-hub device list [--data-dir DIR]',
};

/**
 * `device add|move|revoke|rekey|list`. They write the database the running hub reads;
 * the hub applies the change within a second (a revoked or re-keyed device is
 * disconnected, a moved one gets its new config).
 */
export function deviceCommand(args: string[], io: CliIo): number {
  const [sub, ...rest] = args;
  switch (sub) {
    case 'add': {
      const { values, positionals } = parseCommandArgs(rest, { ...COMMON, counter: { type: 'string' } }, USAGE.add);
      const deviceId = onePositional(positionals, 'DEVICE_ID', USAGE.add);
      const counterId = requireFlag(values.counter, '--counter COUNTER_ID', USAGE.add);
      printJson(io, withStore(values, (db, counters) => new DeviceStore(db, systemClock).add(deviceId, counterId, counters())));
      return 0;
    }
    case 'move': {
      const { values, positionals } = parseCommandArgs(rest, { ...COMMON, counter: { type: 'string' } }, USAGE.move);
      const deviceId = onePositional(positionals, 'DEVICE_ID', USAGE.move);
      const counterId = requireFlag(values.counter, '--counter COUNTER_ID', USAGE.move);
      const device = withStore(values, (db, counters) => new DeviceStore(db, systemClock).move(deviceId, counterId, counters()));
      printJson(io, { deviceId: device.deviceId, counterId: device.counterId });
      return 0;
    }
    case 'revoke': {
      const { values, positionals } = parseCommandArgs(rest, COMMON, USAGE.revoke);
      const deviceId = onePositional(positionals, 'DEVICE_ID', USAGE.revoke);
      const device = withStore(values, (db) => new DeviceStore(db, systemClock).revoke(deviceId));
      printJson(io, { deviceId: device.deviceId, counterId: device.counterId, revoked: true, revokedAt: new Date(device.revokedAt!).toISOString() });
      return 0;
    }
    case 'rekey': {
      const { values, positionals } = parseCommandArgs(rest, COMMON, USAGE.rekey);
      const deviceId = onePositional(positionals, 'DEVICE_ID', USAGE.rekey);
      printJson(io, withStore(values, (db) => new DeviceStore(db, systemClock).rekey(deviceId)));
      return 0;
    }
    case 'list': {
      const { values } = parseCommandArgs(rest, COMMON, USAGE.list);
      const devices = withStore(values, (db) => new DeviceStore(db, systemClock).list());
      printJson(io, {
        devices: devices.map((d) => ({
          deviceId: d.deviceId,
          counterId: d.counterId,
          revoked: d.revokedAt !== null,
          createdAt: new Date(d.createdAt).toISOString(),
          updatedAt: new Date(d.updatedAt).toISOString(),
        })),
      });
      return 0;
    }
    default:
      throw new HubError('usage', `unknown device command "${sub ?? ''}"; one of:\n  ${Object.values(USAGE).join('\n  ')}`);
  }
}

function requireFlag(value: string | undefined, flag: string, usage: string): string {
  if (value === undefined) throw new HubError('usage', `${flag} is required\n\nusage: ${usage}`);
  return value;
}

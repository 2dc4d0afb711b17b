import { z } from 'zod';
import { Rating } from '../protocol/messages/press.ts';

/** Arduino Nano/Uno digital pins usable for the EIFD (D0/D1 are the USB serial line). */
const Pin = z.int().min(2).max(19);
/** Pins with hardware PWM on the ATmega328P (Timer0: 5, 6; Timer1: 9, 10; Timer2: 3, 11). */
export const PWM_PINS: readonly number[] = [3, 5, 6, 9, 10, 11];

export const ButtonWiring = z.object({
  pin: Pin,
  rating: Rating,
  /** The LED in or beside this button. */
  led: Pin,
});
export type ButtonWiring = z.infer<typeof ButtonWiring>;

/**
 * How one EIFD is wired (docs/protocols/firmata.md §7). Buttons close to GND (active low).
 * `pullups: "internal"` turns on the ATmega's pull-ups through Firmata: INPUT plus a
 * HIGH write, which works on StandardFirmata 2.4 (no INPUT_PULLUP mode) and 2.5+.
 * `"external"` means resistors on the board: plain INPUT, no pull-up writes.
 */
export const BoardProfile = z
  .strictObject({
    buttons: z.array(ButtonWiring).min(1).max(4),
    /** Active buzzer as an on/off output; null when the unit has none. */
    buzzer: Pin.nullable(),
    pullups: z.enum(['internal', 'external']),
  })
  .superRefine((profile, ctx) => {
    const used = new Map<number, string>();
    const claim = (pin: number, what: string, path: (string | number)[]) => {
      const other = used.get(pin);
      if (other) ctx.addIssue({ code: 'custom', path, message: `pin D${pin} is already used by ${other}` });
      else used.set(pin, what);
    };
    profile.buttons.forEach((button, i) => {
      claim(button.pin, `button ${i}`, ['buttons', i, 'pin']);
      claim(button.led, `the LED of button ${i}`, ['buttons', i, 'led']);
    });
    if (profile.buzzer !== null) claim(profile.buzzer, 'the buzzer', ['buzzer']);
    // Firmata 2.4's pull-up is the port's output latch (docs/protocols/firmata.md §3), and
    // a digital write sends the whole 8-pin port: a LED or buzzer switched on/off in a
    // button's port would, while that button reads pressed, clear its pull-up.
    // PWM LEDs are written per pin (ANALOG_MESSAGE) and are safe anywhere.
    if (profile.pullups === 'internal') {
      const buttonPorts = new Set(profile.buttons.map((b) => b.pin >> 3));
      const digitalOutputs: [number, (string | number)[]][] = profile.buttons.filter((b) => !PWM_PINS.includes(b.led)).map((b) => [b.led, ['buttons', profile.buttons.indexOf(b), 'led']]);
      if (profile.buzzer !== null) digitalOutputs.push([profile.buzzer, ['buzzer']]);
      for (const [pin, path] of digitalOutputs) {
        if (buttonPorts.has(pin >> 3)) ctx.addIssue({ code: 'custom', path, message: `D${pin} shares Firmata port ${pin >> 3} with a button and is not a PWM pin: its writes would switch the button's pull-up off on Firmata 2.4; use a PWM pin (3, 5, 6, 9, 10, 11) or a pin in another port` });
      }
    }
    const ratings = profile.buttons.map((b) => b.rating);
    if (new Set(ratings).size !== ratings.length) ctx.addIssue({ code: 'custom', path: ['buttons'], message: 'each rating may be on one button only' });
  });
export type BoardProfile = z.infer<typeof BoardProfile>;

/**
 * The default EIFD (docs/wiring.md "Default wiring", docs/protocols/firmata.md §7):
 * D2–D5 give ratings 4, 3, 2, 1 with LEDs on PWM pins D6, D9, D10, D11; buzzer D8.
 */
export const DEFAULT_BOARD_PROFILE: BoardProfile = {
  buttons: [
    { pin: 2, rating: 4, led: 6 },
    { pin: 3, rating: 3, led: 9 },
    { pin: 4, rating: 2, led: 10 },
    { pin: 5, rating: 1, led: 11 },
  ],
  buzzer: 8,
  pullups: 'internal',
};

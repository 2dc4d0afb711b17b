// The hub's clock is the shared one in runtime/ (the hardware drivers take the same).
export { ManualClock, systemClock, type Clock } from '../runtime/clock.ts';

// Icons: our own single-colour SVGs in assets/icons/, drawn as a CSS mask over
// `currentColor`, so one file serves on light tiles and dark buttons alike.
import { h } from './dom.js';

/** The icon files in assets/icons/ (a service whose `icon` is not here shows `info`). */
export const ICONS = new Set([
  // Services (the centre config's `icon` names).
  'baby', 'badge', 'briefcase', 'car', 'certificate', 'computer', 'elder', 'eye', 'fingerprint', 'graduation',
  'health', 'id-card', 'id-card-plus', 'info', 'land', 'package', 'passport', 'people', 'receipt', 'rings',
  'scales', 'shield', 'store', 'wallet',
  // Priority categories, actions, states.
  'person', 'wheelchair', 'pregnant', 'calendar', 'ticket', 'back', 'arrow-right', 'speaker', 'warning', 'check',
  'backspace', 'clock', 'printer', 'logout', 'pause', 'play', 'repeat', 'transfer', 'person-x', 'close', 'door',
]);

/** An icon element; size and colour come from CSS (`.icon` is 1em square, currentColor). */
export function icon(name, className = '') {
  const known = ICONS.has(name) ? name : 'info';
  const url = new URL(`./icons/${known}.svg`, import.meta.url).pathname;
  const el = h('span', { class: `icon ${className}`.trim(), 'aria-hidden': 'true', dataset: { icon: known } });
  el.style.setProperty('--icon', `url("${url}")`);
  return el;
}

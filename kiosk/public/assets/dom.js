// Tiny DOM helpers: build elements without innerHTML (all text goes in as text).

/**
 * h('button', {class: 'tile', dataset: {testid: 'x'}, onclick: fn}, 'text', child)
 * Attributes: `class`, `dataset`, `style` (an object of CSSOM properties: the hub's
 * Content-Security-Policy blocks style attributes, docs/security.md), `on<event>`
 * handlers, booleans (true → present, false/null/undefined → absent), anything else as
 * an attribute.
 */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name === 'class') el.className = value;
    else if (name === 'dataset') Object.assign(el.dataset, value);
    else if (name === 'style') Object.assign(el.style, value);
    else if (name === 'testid') el.setAttribute('data-testid', value);
    else if (name.startsWith('on') && typeof value === 'function') el.addEventListener(name.slice(2), value);
    else if (value === true) el.setAttribute(name, '');
    else el.setAttribute(name, String(value));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(el, child);
    else el.append(child instanceof Node ? child : String(child));
  }
}

/** Replaces all children of `el`. */
export function replaceChildren(el, ...children) {
  el.replaceChildren();
  append(el, children);
}

/** Sets text only when it changed (keeps layout and screen readers calm on each snapshot). */
export function setText(el, text) {
  const value = String(text ?? '');
  if (el.textContent !== value) el.textContent = value;
}

/**
 * The element with `data-testid` = id inside `root`.
 * @param {string} id
 * @param {ParentNode} [root]
 * @returns {HTMLElement | null}
 */
export function byTestId(id, root = document) {
  return root.querySelector(`[data-testid="${CSS.escape(id)}"]`);
}

/**
 * Every element matching `selector` inside `root`, as HTML elements (the pages are HTML).
 * @param {string} selector
 * @param {ParentNode} [root]
 * @returns {HTMLElement[]}
 */
export function allOf(selector, root = document) {
  return /** @type {HTMLElement[]} */ ([...root.querySelectorAll(selector)]);
}

/**
 * The form control with `data-testid` = id (buttons and inputs, which can be disabled).
 * @param {string} id
 * @param {ParentNode} [root]
 * @returns {HTMLButtonElement | HTMLInputElement | null}
 */
export function controlByTestId(id, root = document) {
  return /** @type {HTMLButtonElement | HTMLInputElement | null} */ (byTestId(id, root));
}

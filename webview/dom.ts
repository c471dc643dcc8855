/**
 * Building DOM without HTML strings. Text always goes in as text nodes
 * (textContent), never as markup, so model names and other user-derived strings
 * cannot inject elements. Inline `style` and `on*` attributes are refused: the CSP
 * forbids them, and code sets behaviour with addEventListener.
 */

export type Attrs = Record<string, string | number | boolean | undefined | null>;
export type Child = Node | string | number | null | undefined | false;

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  setAttrs(el, attrs);
  append(el, ...children);
  return el;
}

export function setAttrs(el: Element, attrs: Attrs): void {
  for (const [name, value] of Object.entries(attrs)) {
    if (/^on/i.test(name) || name.toLowerCase() === 'style') {
      throw new Error(`refusing to set the "${name}" attribute`);
    }
    if (value === undefined || value === null || value === false) el.removeAttribute(name);
    else el.setAttribute(name, value === true ? '' : String(value));
  }
}

export function append(el: Node, ...children: Child[]): void {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    el.appendChild(typeof c === 'string' || typeof c === 'number' ? document.createTextNode(String(c)) : c);
  }
}

/** Replaces every child of `el`. */
export function replaceChildren(el: Element, ...children: Child[]): void {
  while (el.firstChild) el.removeChild(el.firstChild);
  append(el, ...children);
}

/** A codicon: decorative, hidden from screen readers (the text next to it carries the meaning). */
export function icon(name: string, extraClass = ''): HTMLElement {
  return h('span', { class: `codicon codicon-${name} ${extraClass}`.trim(), 'aria-hidden': 'true' });
}

/** Text that screen readers read but the layout does not show. */
export function srOnly(text: string): HTMLElement {
  return h('span', { class: 'visually-hidden' }, text);
}

export function button(
  attrs: Attrs & { label: string; icon?: string; iconOnly?: boolean },
  onClick: (ev: MouseEvent) => void,
): HTMLButtonElement {
  const { label, icon: iconName, iconOnly, ...rest } = attrs;
  const classes = ['button', iconOnly ? 'icon-button' : '', String(rest.class ?? '')].filter(Boolean).join(' ');
  const b = h(
    'button',
    { type: 'button', ...rest, class: classes, title: rest.title ?? label, 'aria-label': iconOnly ? label : undefined },
    iconName ? icon(iconName) : null,
    iconOnly ? null : h('span', { class: 'button-label' }, label),
  );
  b.addEventListener('click', onClick);
  return b;
}

/** Calls `fn` once, `ms` after the last call. */
export function debounce<A extends unknown[]>(fn: (...args: A) => void, ms: number): ((...args: A) => void) & { flush(): void; cancel(): void } {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let lastArgs: A | undefined;
  const run = () => {
    timer = undefined;
    if (lastArgs) {
      const args = lastArgs;
      lastArgs = undefined;
      fn(...args);
    }
  };
  const debounced = (...args: A) => {
    lastArgs = args;
    if (timer !== undefined) clearTimeout(timer);
    timer = setTimeout(run, ms);
  };
  debounced.flush = () => {
    if (timer !== undefined) clearTimeout(timer);
    run();
  };
  debounced.cancel = () => {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    lastArgs = undefined;
  };
  return debounced;
}

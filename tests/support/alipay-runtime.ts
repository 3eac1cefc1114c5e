// Just enough of Alipay's Page()/Component() runtime to drive the real page and
// component modules in Node: it captures the object a module passes to Page() or
// Component() and makes instances whose setData applies Alipay's path keys
// ("items[3].percent", "summary.canClear") to `data`, as the framework does.
// Handlers are then called the way the template would call them.

type Data = Record<string, any>;

function setPath(target: Data, key: string, value: unknown) {
  const parts = key.match(/[^.[\]]+/g) ?? [];
  let node: any = target;
  parts.forEach((part, i) => {
    const prop = /^\d+$/.test(part) ? Number(part) : part;
    if (i === parts.length - 1) node[prop] = value;
    else node = node[prop] ??= /^\d+$/.test(parts[i + 1]) ? [] : {};
  });
}

/** Page()/Component() run once per module (require cache), so their options are kept per path. */
const captured = new Map<string, Data>();

function capture(kind: 'Page' | 'Component', modulePath: string): Data {
  const key = `${kind}:${modulePath}`;
  if (!captured.has(key)) {
    const g = globalThis as Record<string, unknown>;
    const saved = g[kind];
    g[kind] = (options: Data) => void captured.set(key, options);
    try {
      require(modulePath);
    } finally {
      g[kind] = saved;
    }
  }
  const options = captured.get(key);
  if (!options) throw new Error(`${modulePath} did not call ${kind}()`);
  return options;
}

const clone = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

export interface PageInstance {
  data: Data;
  setData(patch: Data): void;
  /** Every setData patch, in order (for "no frozen screen" style assertions). */
  readonly patches: Data[];
  [method: string]: any;
}

/** Loads a page module (e.g. alipay/pages/upload/index) and returns a factory of instances. */
export function loadPage(modulePath: string): () => PageInstance {
  const options = capture('Page', modulePath);
  return () => {
    const patches: Data[] = [];
    const page: PageInstance = {
      ...options,
      data: clone(options.data ?? {}),
      patches,
      setData(patch: Data) {
        patches.push(patch);
        for (const [key, value] of Object.entries(patch)) setPath(page.data, key, clone(value));
      },
    };
    return page;
  };
}

export interface ComponentInstance {
  props: Data;
  data: Data;
  setData(patch: Data): void;
  [method: string]: any;
}

/** Loads a component module and returns a factory that mounts it with the given props. */
export function loadComponent(modulePath: string): (props: Data) => ComponentInstance {
  const options = capture('Component', modulePath);
  return (props) => {
    const instance: ComponentInstance = {
      ...(options.methods ?? {}),
      props: { ...(options.props ?? {}), ...props },
      data: clone(options.data ?? {}),
      setData(patch: Data) {
        for (const [key, value] of Object.entries(patch)) setPath(instance.data, key, clone(value));
      },
    };
    // component2: deriveDataFromProps runs at creation and before each update.
    options.deriveDataFromProps?.call(instance, instance.props);
    return instance;
  };
}

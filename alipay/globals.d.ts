// Globals the Alipay runtime provides (documented under "定时器") that
// @mini-types/alipay does not declare. Kept minimal: only what shared code uses.
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any callback, as the runtime accepts
declare function setTimeout(callback: (...args: any[]) => void, ms?: number): number;
declare function clearTimeout(id: number | undefined): void;

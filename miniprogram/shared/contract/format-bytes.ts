// One way to write a size, for the app's messages, the signer's errors and the console page.

const BYTES_PER_KB = 1024;
const UNITS = ['B', 'KB', 'MB', 'GB', 'TB'];

/** 20971520 -> "20 MB", 1572864 -> "1.5 MB", 512 -> "512 B" (binary units, as phones show them). */
export function formatBytes(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (value >= BYTES_PER_KB && unit < UNITS.length - 1) {
    value /= BYTES_PER_KB;
    unit += 1;
  }
  const rounded = unit === 0 ? String(value) : String(Math.round(value * 10) / 10);
  return `${rounded} ${UNITS[unit]}`;
}

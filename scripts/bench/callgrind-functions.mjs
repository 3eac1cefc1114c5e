// For `npm run bench:instructions --top N`: a callgrind dump's self instructions per request by
// function. Callgrind knows only native symbols; JIT code it shows as bare addresses, named here
// from the perf map node writes with --perf-basic-prof (start, size and name of each code object).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';

function jitNamer(perfMap) {
  const ranges = fs.existsSync(perfMap)
    ? fs
        .readFileSync(perfMap, 'utf8')
        .trim()
        .split('\n')
        .map((line) => {
          const [start, size, ...label] = line.split(' ');
          return { start: parseInt(start, 16), end: parseInt(start, 16) + parseInt(size, 16), name: label.join(' ') };
        })
        .sort((a, b) => a.start - b.start)
    : [];
  return (address) => {
    let low = 0;
    let high = ranges.length - 1;
    while (low <= high) {
      const mid = (low + high) >> 1;
      if (ranges[mid].end <= address) low = mid + 1;
      else if (ranges[mid].start > address) high = mid - 1;
      else return `JS ${ranges[mid].name.replace(/^JS:[*~^+-]?/, '')}`;
    }
    return 'JIT code';
  };
}

/** The `top` costliest functions, as [name, instructions per request], costliest first. */
export function costliestFunctions(callgrindFile, perfMap, requests, top) {
  const jitName = jitNamer(perfMap);
  const text = execFileSync('callgrind_annotate', ['--inclusive=no', '--threshold=100', callgrindFile], {
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  const byName = new Map();
  for (const line of text.split('\n')) {
    const match = /^\s*([\d,]+) \(\s*[\d.]+%\)\s+(.*)$/.exec(line);
    if (!match || match[2].includes('PROGRAM TOTALS')) continue;
    const address = /^\?\?\?:0x([0-9a-f]+)/.exec(match[2]);
    const name = address ? jitName(parseInt(address[1], 16)) : match[2].replace(/\(.*$/, '').replace(/^\?\?\?:/, '').slice(0, 100);
    byName.set(name, (byName.get(name) ?? 0) + Number(match[1].replaceAll(',', '')) / requests);
  }
  return [...byName].sort((a, b) => b[1] - a[1]).slice(0, top);
}

// Cutting a file into parts within every store's rules.
import { MAX_PARTS, MIN_PART_BYTES, planParts, partRange } from '../../miniprogram/shared/contract';

const MIB = 1024 * 1024;

describe('planParts', () => {
  it('uses the preferred size when the store allows it, the last part holding the rest', () => {
    const plan = planParts(50 * MIB + 3, 8 * MIB, 's3');
    expect(plan).toEqual({ size: 50 * MIB + 3, partSize: 8 * MIB, partCount: 7 });
    expect(partRange(plan, 7)).toEqual({ offset: 48 * MIB, size: 2 * MIB + 3 });
    expect(partRange(plan, 1)).toEqual({ offset: 0, size: 8 * MIB });
  });

  it("raises a part to the store's floor: S3 5 MiB, COS 1 MB, OSS/OBS 100 KB", () => {
    expect(planParts(100 * MIB, 64 * 1024, 's3').partSize).toBe(MIN_PART_BYTES.s3);
    expect(planParts(100 * MIB, 64 * 1024, 'cos').partSize).toBe(MIB);
    expect(planParts(100 * MIB, 64 * 1024, 'oss').partSize).toBe(100 * 1024);
    expect(planParts(100 * MIB, 64 * 1024, 'obs').partSize).toBe(100 * 1024);
  });

  it('grows parts so that no file needs more than 10,000 of them', () => {
    const size = 200 * 1024 * MIB; // 200 GiB
    const plan = planParts(size, 8 * MIB, 's3');
    expect(plan.partCount).toBeLessThanOrEqual(MAX_PARTS);
    expect(plan.partSize % (64 * 1024)).toBe(0);
    expect(planParts(MAX_PARTS * 8 * MIB, 8 * MIB, 's3').partCount).toBe(MAX_PARTS);
    expect(planParts(MAX_PARTS * 8 * MIB + 1, 8 * MIB, 's3').partCount).toBeLessThanOrEqual(MAX_PARTS);
  });

  it('refuses sizes that cannot be planned and part numbers outside the plan', () => {
    expect(() => planParts(0, 8 * MIB, 's3')).toThrow(/at least 1 byte/);
    expect(() => planParts(5 * 1024 * MIB * MAX_PARTS + 1, 8 * MIB, 's3')).toThrow(/do not fit/);
    const plan = planParts(10 * MIB, 5 * MIB, 's3');
    expect(() => partRange(plan, 0)).toThrow(/outside/);
    expect(() => partRange(plan, 3)).toThrow(/outside/);
  });
});

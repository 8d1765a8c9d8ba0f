import { describe, expect, it } from "vitest";
import { groupByDay } from "@/lib/client/day-groups";

describe("conversations grouped by day", () => {
  const now = new Date(2026, 4, 20, 15, 0);
  const at = (daysAgo: number, hour = 10) => ({ id: `${daysAgo}-${hour}`, updatedAt: new Date(2026, 4, 20 - daysAgo, hour).toISOString() });

  it("labels today, yesterday, the last week by weekday, then dates, keeping newest first", () => {
    const groups = groupByDay([at(0, 14), at(0, 9), at(1), at(3), at(40)], (item) => item.updatedAt, now);
    expect(groups.map((group) => group.label)).toEqual([
      "Today",
      "Yesterday",
      new Date(2026, 4, 17).toLocaleDateString(undefined, { weekday: "long" }),
      new Date(2026, 3, 10).toLocaleDateString(undefined, { day: "numeric", month: "long" }),
    ]);
    expect(groups[0].items.map((item) => item.id)).toEqual(["0-14", "0-9"]);
  });

  it("names the year for older years", () => {
    const [group] = groupByDay([{ updatedAt: new Date(2024, 0, 2).toISOString() }], (item) => item.updatedAt, now);
    expect(group.label).toContain("2024");
  });
});

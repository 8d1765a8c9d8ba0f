import { describe, expect, it } from "vitest";
import { FrameBatcher, type FrameScheduler } from "@/lib/client/frame-batcher";

function manualScheduler() {
  const frames: (() => void)[] = [];
  const timers: (() => void)[] = [];
  const scheduler: FrameScheduler = {
    requestFrame(callback) {
      frames.push(callback);
      return () => frames.splice(frames.indexOf(callback), 1);
    },
    setTimer(callback) {
      timers.push(callback);
      return () => timers.splice(timers.indexOf(callback), 1);
    },
  };
  return { scheduler, frames, timers };
}

describe("events batched per animation frame", () => {
  it("delivers everything pushed before a frame in one call, in order", () => {
    const { scheduler, frames, timers } = manualScheduler();
    const flushed: number[][] = [];
    const batcher = new FrameBatcher<number>((items) => flushed.push(items), scheduler);
    for (let i = 0; i < 300; i++) batcher.push(i);
    expect(frames).toHaveLength(1);
    frames[0]();
    expect(flushed).toHaveLength(1);
    expect(flushed[0]).toHaveLength(300);
    expect(flushed[0][299]).toBe(299);
    expect(timers).toHaveLength(0);
  });

  it("falls back to a timer when no frame comes (hidden tab)", () => {
    const { scheduler, frames, timers } = manualScheduler();
    const flushed: string[][] = [];
    const batcher = new FrameBatcher<string>((items) => flushed.push(items), scheduler);
    batcher.push("a");
    timers[0]();
    expect(flushed).toEqual([["a"]]);
    expect(frames).toHaveLength(0);
    batcher.push("b");
    expect(frames).toHaveLength(1);
  });
});

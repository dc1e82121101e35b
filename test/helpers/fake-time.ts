/** A clock that only the fake sleep (and the test, with `advance`) moves; `slept` lists each sleep asked for. */
export function fakeTime() {
  let now = 0;
  const slept: number[] = [];
  return {
    clock: () => now,
    sleep: async (ms: number) => {
      slept.push(ms);
      now += ms;
    },
    slept,
    advance: (ms: number) => (now += ms),
  };
}

import { useEffect, useState } from 'react';

/** The wall clock as state, moved every `every_ms`: what a view shows from "now" (an age, a
 *  countdown, "today") re-renders with it, and rendering itself stays pure. */
export function useNow(every_ms: number): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), every_ms);
    return () => clearInterval(t);
  }, [every_ms]);
  return now;
}

import { useEffect, useRef } from "react";
import type { Unlisten } from "./api";

/**
 * Subscribes to a back-end event for the component's lifetime. The latest `handler` is always the
 * one called, so callers need not memoise it and the subscription is made once.
 */
export function useListener<T>(subscribe: (handler: (value: T) => void) => Promise<Unlisten>, handler: (value: T) => void) {
  const latest = useRef(handler);
  latest.current = handler;
  useEffect(() => {
    const unlisten = subscribe((v) => {
      latest.current(v);
    });
    return () => {
      unlisten.then((stop) => stop()).catch(() => {});
    };
  }, [subscribe]);
}

// Polls a meeting's live URL without the session cookie: an unchanged poll is one query and an
// empty 204; a changed one returns the new record (or, with probe, just the new version).
// Status 286 means the meeting is adjourned: stop. Every answer names the meeting's status in
// X-Meeting-Status; onStatus hears it, and onTrouble hears a failed poll (the next may succeed).

export const STOP = 286;

export function startPolling({
  url,
  version,
  interval = 1000,
  probe = false,
  onChange,
  onStop,
  onStatus,
  onTrouble,
}) {
  let known = String(version);
  let timer = null;
  let stopped = false;
  let inFlight = false;

  async function poll() {
    if (stopped || inFlight || document.hidden) return;
    inFlight = true;
    try {
      const query = new URLSearchParams({ v: known });
      if (probe) query.set("probe", "1");
      const response = await fetch(`${url}?${query}`, {
        credentials: "omit",
        cache: "no-store",
        headers: { Accept: "text/html" },
      });
      const newVersion = response.headers.get("X-Live-Version");
      if (response.status >= 500) throw new Error(`server answered ${response.status}`);
      if (response.status === 200 || (response.status === STOP && newVersion !== known)) {
        const html = probe ? "" : await response.text();
        if (newVersion) known = newVersion;
        await onChange(html, known);
      }
      const status = response.headers.get("X-Meeting-Status");
      if (status) onStatus?.(status);
      if (response.status === STOP) stop("adjourned");
      // 403: the token expired or its person left; 404: no longer on the board. Either way
      // asking again would only cost the server.
      else if (response.status === 403 || response.status === 404) stop("expired");
    } catch {
      // A dropped connection or a failing server: say so, and try again on the next tick.
      onTrouble?.();
    } finally {
      inFlight = false;
    }
  }

  function stop(why) {
    if (stopped) return;
    stopped = true;
    clearInterval(timer);
    if (why) onStop?.(why);
  }

  timer = setInterval(poll, interval);
  document.addEventListener("visibilitychange", () => !document.hidden && poll());
  return {
    stop,
    setVersion(value) {
      if (value) known = String(value);
    },
  };
}

// Polls a meeting's live URL, signed in by the session like every page: an unchanged poll is a
// few fixed queries and an empty 204; a changed one returns what changed in the record since
// `version` (or, with probe, just the new version). Status 286 means the meeting is adjourned: stop. Every answer names the
// meeting's status in X-Meeting-Status; onStatus hears it, and onTrouble hears a failed poll
// (the next may succeed). A redirect (to the sign-in page) or 401 means the session is gone:
// logged out, or the password changed; stop with "signed-out".

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
        credentials: "same-origin",
        cache: "no-store",
        // A redirect here is to the sign-in page: never follow it into the record.
        redirect: "manual",
        headers: { Accept: "text/html" },
      });
      if (response.type === "opaqueredirect" || response.status === 401) {
        stop("signed-out");
        return;
      }
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
      // 403 or 404: no longer on the board (a seat that ended). Asking again would only cost
      // the server.
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

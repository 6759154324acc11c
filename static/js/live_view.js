// Members' live view: swaps in the changed blocks of the meeting record (a changed poll sends
// only those, or the whole record when the page is too far behind), highlights them, announces
// new notes politely, and never moves the reader's scroll position.
import { startPolling } from "./live_poll.js";

function blocksOf(root) {
  return new Map([...root.querySelectorAll("[data-live-block]")].map((el) => [el.id, el]));
}

function noteIds(root) {
  return new Set([...root.querySelectorAll("[data-note]")].map((el) => el.dataset.note));
}

function announce(text) {
  const region = document.getElementById("live-announcer");
  if (!region) return;
  region.textContent = "";
  requestAnimationFrame(() => (region.textContent = text));
}

function flash(element) {
  element.classList.remove("live-changed");
  void element.offsetWidth;
  element.classList.add("live-changed");
}

// Puts the blocks of a partial answer in place: each replaces the block of its id or, new,
// joins the record (a new note joins its item's notes); data-live-order (sent when blocks were added, moved or removed) is the
// order of every block, and a block not named there is gone.
// A list with data-live-notes="<block id>" brings only that item's new or changed notes, and a
// div with data-live-parts="<block id>" only the block's changed or new parts (an agenda entry,
// an organisation's attendees, the quorum line), each replacing the element of its id or, new,
// placed next to the part data-live-places names; data-live-gone names the parts gone.
function applyBlocks(current, incoming) {
  const changed = [];
  for (const part of [...incoming.children]) {
    if (part.dataset.liveParts) {
      for (const id of (part.dataset.liveGone ?? "").split(" ").filter(Boolean)) {
        document.getElementById(id)?.remove();
      }
      // A new part goes after (or before) a part next to it: "<id>:after:<id>".
      const places = new Map(
        (part.dataset.livePlaces ?? "").split(" ").filter(Boolean).map((place) => {
          const [id, where, next] = place.split(":");
          return [id, [where, next]];
        }),
      );
      for (const piece of [...part.children]) {
        const old = document.getElementById(piece.id);
        const [where, next] = places.get(piece.id) ?? [];
        const neighbour = next && document.getElementById(next);
        if (old && current.contains(old)) old.replaceWith(piece);
        else if (neighbour && current.contains(neighbour)) neighbour[where === "before" ? "before" : "after"](piece);
        else continue;
        changed.push(piece.id);
      }
      continue;
    }
    if (part.dataset.liveNotes) {
      const stream = document.getElementById(part.dataset.liveNotes)?.querySelector(".note-stream");
      for (const note of [...part.children]) {
        const old = document.getElementById(note.id);
        if (old) {
          old.replaceWith(note);
          changed.push(note.id);
        } else stream?.append(note);
      }
      continue;
    }
    if (!part.hasAttribute("data-live-block")) continue;
    const old = document.getElementById(part.id);
    if (old && current.contains(old)) old.replaceWith(part);
    else current.append(part);
    changed.push(part.id);
  }
  const order = incoming.dataset.liveOrder?.split(" ").filter(Boolean);
  if (order) {
    const kept = new Set(order);
    for (const block of [...current.querySelectorAll(":scope > [data-live-block]")]) {
      if (!kept.has(block.id)) block.remove();
    }
    let previous = null;
    for (const id of order) {
      const block = document.getElementById(id);
      if (!block) continue;
      const expected = previous ? previous.nextElementSibling : current.firstElementChild;
      if (expected !== block) {
        if (previous) previous.after(block);
        else current.prepend(block);
      }
      previous = block;
    }
  }
  return changed;
}

function applyRecord(html) {
  const current = document.getElementById("record");
  const incoming = new DOMParser().parseFromString(html, "text/html").getElementById("record");
  if (!current || !incoming) return;
  const seen = noteIds(current);
  const oldBlocks = blocksOf(current);
  // Anchor on the first block in view, so content changing above it does not move the reader.
  const anchor = [...oldBlocks.values()].find((el) => el.getBoundingClientRect().bottom > 0);
  const anchorTop = anchor?.getBoundingClientRect().top;
  const anchorId = anchor?.id;
  let changed = [];
  if (incoming.hasAttribute("data-live-since")) {
    // Only the blocks that changed since the version this page shows.
    changed = applyBlocks(current, incoming);
  } else {
    for (const [id, block] of blocksOf(incoming)) {
      const old = oldBlocks.get(id);
      if (!old || old.outerHTML !== block.outerHTML) changed.push(id);
    }
    current.replaceChildren(...incoming.childNodes);
    window.htmx?.process(current);
  }
  for (const name of ["data-live-version", "data-meeting-status"]) {
    if (incoming.hasAttribute(name)) current.setAttribute(name, incoming.getAttribute(name));
    else current.removeAttribute(name);
  }
  if (anchorId) {
    const again = document.getElementById(anchorId);
    if (again) window.scrollBy(0, again.getBoundingClientRect().top - anchorTop);
  }
  for (const id of changed) {
    const el = document.getElementById(id);
    if (!el) continue;
    flash(el);
    // What htmx drives inside (a folded item's notes, loaded when opened) starts working.
    window.htmx?.process(el);
  }
  const fresh = [...current.querySelectorAll("[data-note]")].filter((el) => !seen.has(el.dataset.note));
  for (const note of fresh) flash(note);
  if (fresh.length === 1) announce(`New note: ${fresh[0].textContent.trim()}`);
  else if (fresh.length > 1) announce(`${fresh.length} new notes`);
  else if (changed.length) announce("The meeting record was updated");
}

// The indicator beside the page's head says, in words, whether the page follows the meeting:
// waiting for the start, live, reconnecting (a poll failed; the next one may work), or ended.
const STATES = {
  waiting: "Waiting for the start: this page goes live when the chair starts the meeting",
  live: "Live: this page follows the meeting",
  reconnecting: "Reconnecting: the last update failed; trying again",
  ended: "Ended: the meeting is adjourned; this page no longer updates",
  expired: "Not following: live updates stopped; reload the page to resume",
  "signed-out": "Signed out — reload to sign in again",
};

function setState(indicator, state) {
  if (indicator.dataset.state === state) return;
  indicator.dataset.state = state;
  const text = indicator.querySelector("[data-live-text]");
  if (text) text.textContent = STATES[state];
}

function stateFor(status) {
  if (status === "in_progress") return "live";
  if (status === "adjourned") return "ended";
  return "waiting";
}

function start() {
  const indicator = document.getElementById("live-indicator");
  if (!indicator?.dataset.liveUrl) return;
  const record = document.getElementById("record");
  let status = record?.dataset.meetingStatus ?? (indicator.dataset.state === "live" ? "in_progress" : "scheduled");
  startPolling({
    url: indicator.dataset.liveUrl,
    version: indicator.dataset.liveVersion,
    // A page without the record (the agenda being built) asks only whether anything changed.
    probe: !record,
    onChange: (html) => {
      if (record) applyRecord(html);
      else indicator.querySelector("[data-live-reload]")?.removeAttribute("hidden");
    },
    onStatus: (now) => {
      if (now !== status && now === "in_progress") announce("The meeting has started.");
      status = now;
      setState(indicator, stateFor(now));
      // Apologies and expectations are for before the start; once it runs, the roll call rules.
      if (now !== "scheduled") for (const el of document.querySelectorAll("[data-before-start]")) el.hidden = true;
    },
    onTrouble: () => setState(indicator, "reconnecting"),
    onStop: (why) => {
      setState(indicator, why === "adjourned" ? "ended" : why);
      if (why === "adjourned") announce("The meeting is adjourned; this page no longer updates.");
      if (why === "expired") announce("Live updates stopped; reload the page to resume.");
      if (why === "signed-out") announce("Signed out: reload to sign in again.");
    },
  });
}

if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
else start();

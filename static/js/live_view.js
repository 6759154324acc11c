// Members' live view: swaps in the changed blocks of the meeting record, highlights them,
// announces new notes politely, and never moves the reader's scroll position.
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
  const changed = [];
  for (const [id, block] of blocksOf(incoming)) {
    const old = oldBlocks.get(id);
    if (!old || old.outerHTML !== block.outerHTML) changed.push(id);
  }
  current.replaceChildren(...incoming.childNodes);
  for (const name of ["data-live", "data-live-version"]) {
    if (incoming.hasAttribute(name)) current.setAttribute(name, incoming.getAttribute(name));
    else current.removeAttribute(name);
  }
  if (anchorId) {
    const again = document.getElementById(anchorId);
    if (again) window.scrollBy(0, again.getBoundingClientRect().top - anchorTop);
  }
  for (const id of changed) {
    const el = document.getElementById(id);
    if (el) flash(el);
  }
  const fresh = [...current.querySelectorAll("[data-note]")].filter((el) => !seen.has(el.dataset.note));
  for (const note of fresh) flash(note);
  if (fresh.length === 1) announce(`New note: ${fresh[0].textContent.trim()}`);
  else if (fresh.length > 1) announce(`${fresh.length} new notes`);
  else if (changed.length) announce("The meeting record was updated");
}

function start() {
  const wrapper = document.getElementById("live-record");
  const record = document.getElementById("record");
  if (!wrapper?.dataset.liveUrl || record?.dataset.live !== "on") return;
  startPolling({
    url: wrapper.dataset.liveUrl,
    version: record.dataset.liveVersion,
    onChange: (html) => applyRecord(html),
    onStop: (why) => {
      if (why === "adjourned") announce("The meeting is adjourned; this page no longer updates.");
      if (why === "expired") announce("Live updates stopped; reload the page to resume.");
    },
  });
}

if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
else start();

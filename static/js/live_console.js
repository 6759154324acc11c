// The chair's live console: keyboard first. Enter saves a note, drafts survive every swap,
// failures are said next to the box that failed, and changes by a co-recorder appear by polling.
import { startPolling } from "./live_poll.js";

const drafts = new Map(); // "note" or "summary:<item id>" -> unsaved text

function consoleEl() {
  return document.getElementById("console");
}

function configureHtmx() {
  // 422 (bad input) and 409 (someone else saved first) carry the form back with the message.
  htmx.config.responseHandling = [
    { code: "204", swap: false },
    { code: "[23]..", swap: true },
    { code: "409", swap: true, error: false },
    { code: "422", swap: true, error: false },
    { code: "[45]..", swap: false, error: true },
  ];
}

function rememberDrafts() {
  const note = document.getElementById("note-text");
  if (note && note.value.trim()) drafts.set("note", note.value);
  const summary = document.getElementById("summary-text");
  const form = document.getElementById("summary-form");
  if (summary && form && summary.value !== summary.defaultValue) {
    drafts.set(`summary:${form.dataset.item}`, summary.value);
  }
}

function restoreDrafts() {
  const note = document.getElementById("note-text");
  if (note && !note.value && drafts.has("note")) note.value = drafts.get("note");
  const form = document.getElementById("summary-form");
  const summary = document.getElementById("summary-text");
  const key = form && `summary:${form.dataset.item}`;
  if (summary && key && drafts.has(key) && !summary.closest(".error-summary")) {
    if (summary.value === summary.defaultValue) summary.value = drafts.get(key);
  }
}

function showSaved(text) {
  const mark = document.getElementById("saved-mark");
  if (!mark) return;
  mark.textContent = `✓ ${text}`;
  mark.classList.add("is-visible");
  clearTimeout(showSaved.timer);
  showSaved.timer = setTimeout(() => mark.classList.remove("is-visible"), 2500);
}

function statusNear(element, text) {
  const form = element?.closest?.("form") ?? element;
  const slot = form?.querySelector?.("[data-request-status]");
  if (slot) slot.textContent = text;
}

function inField(event) {
  return event.target.closest("input, textarea, select, [contenteditable]");
}

function onKeydown(event) {
  const target = event.target;
  if (target.id === "note-text" && event.key === "Enter" && !event.shiftKey && !event.isComposing) {
    event.preventDefault();
    if (target.value.trim()) target.form.requestSubmit();
    return;
  }
  if (target.id === "summary-text" && event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
    event.preventDefault();
    target.form.requestSubmit();
    return;
  }
  if (event.altKey && event.key === "ArrowDown") {
    const next = document.querySelector("[data-next-item]");
    if (next) {
      event.preventDefault();
      next.requestSubmit();
    }
    return;
  }
  if (event.key === "Escape" && inField(event)) {
    target.blur();
    return;
  }
  if (inField(event) || event.ctrlKey || event.metaKey || event.altKey) return;
  const focus = (id) => {
    const el = document.getElementById(id);
    if (el) {
      event.preventDefault();
      el.focus();
    }
  };
  if (event.key === "?") {
    event.preventDefault();
    document.getElementById("shortcuts")?.showModal();
  } else if (event.key === "n") focus("note-text");
  else if (event.key === "s") focus("summary-text");
  else if (event.key === "r") {
    const first = document.querySelector("#roll .roll-toggle");
    if (first) {
      event.preventDefault();
      first.focus();
    }
  }
}

let focusAfterSwap = null;
const scrolled = new Map(); // column id -> scrollTop before a swap
let submittedNote = "";

function start() {
  if (!consoleEl()) return;
  configureHtmx();
  document.addEventListener("keydown", onKeydown);
  document.addEventListener("click", (event) => {
    if (event.target.closest("[data-show-shortcuts]")) document.getElementById("shortcuts")?.showModal();
  });

  document.body.addEventListener("htmx:beforeRequest", (event) => {
    statusNear(event.detail.elt, "Saving…");
    const active = document.activeElement;
    focusAfterSwap = active?.id || null;
    if (event.detail.elt?.id === "note-form") submittedNote = document.getElementById("note-text")?.value ?? "";
  });
  document.body.addEventListener("htmx:beforeSwap", () => {
    rememberDrafts();
    // The roll and the agenda scroll inside themselves: a swap must not send them to the top.
    for (const id of ["roll", "agenda"]) scrolled.set(id, document.getElementById(id)?.scrollTop ?? 0);
  });
  document.body.addEventListener("htmx:afterSwap", (event) => {
    const version = event.detail.xhr?.getResponseHeader("X-Live-Version");
    if (version) poller?.setVersion(version);
    const form = event.detail.requestConfig?.elt?.closest?.("form");
    const status = event.detail.xhr?.status;
    if (form?.id === "note-form" && status === 200) {
      // Saved. Anything typed after pressing Enter, while the save was on its way, stays.
      const typed = drafts.get("note") ?? "";
      const rest = typed.startsWith(submittedNote) ? typed.slice(submittedNote.length).trim() : typed;
      if (rest && typed !== submittedNote) drafts.set("note", rest);
      else drafts.delete("note");
    }
    if (form?.id === "summary-form" && status === 200) drafts.delete(`summary:${form.dataset.item}`);
  });
  document.body.addEventListener("htmx:afterSettle", (event) => {
    restoreDrafts();
    for (const [id, top] of scrolled) {
      const column = document.getElementById(id);
      if (column) column.scrollTop = top;
    }
    // Keep the cursor where the chair was typing; after a roll-call click, stay on that
    // person (whose "Apologies" link may have gone: then on their toggle).
    const wanted =
      focusAfterSwap &&
      (document.getElementById(focusAfterSwap) ??
        document.getElementById(focusAfterSwap.replace(/-apologies$/, "")));
    if (wanted && wanted !== document.activeElement) wanted.focus();
    else if (document.activeElement === document.body) document.getElementById("note-text")?.focus();
    // A refused save: to the field that needs fixing, but only in what this save swapped (a
    // refresh after a co-recorder's change is a GET and must never move the chair's cursor).
    const saving = event.detail.requestConfig?.verb === "post";
    const invalid = saving && event.detail.target?.querySelector?.('[aria-invalid="true"]');
    if (invalid) invalid.focus();
  });
  const failed = (event, text) => {
    statusNear(event.detail.elt, "");
    const form = event.detail.elt?.closest?.("form");
    const feedback = form?.querySelector(".note-feedback") ?? form?.querySelector("[data-request-status]");
    if (feedback) feedback.textContent = text;
    else showSaved(text);
  };
  document.body.addEventListener("htmx:sendError", (event) =>
    failed(event, "Not saved: the server could not be reached. Your text is kept; try again."),
  );
  document.body.addEventListener("htmx:responseError", (event) => {
    const code = event.detail.xhr.status;
    const why = code === 403 ? "you may no longer record this meeting" : `the server answered ${code}`;
    failed(event, `Not saved: ${why}. Your text is kept.`);
  });
  document.body.addEventListener("meetings:saved", (event) => showSaved(event.detail.value));

  const root = consoleEl();
  poller = startPolling({
    url: root.dataset.liveUrl,
    version: root.dataset.liveVersion,
    interval: 2000,
    probe: true,
    onChange: () => refreshFromOthers(),
  });
  document.getElementById("note-text")?.focus();
}

let poller = null;

// Someone else (a co-recorder) changed the record: refresh what cannot hold the chair's typing.
function refreshFromOthers() {
  const root = consoleEl();
  if (!root) return;
  const url = root.dataset.consoleUrl;
  const roll = document.getElementById("roll");
  if (roll && !roll.contains(document.activeElement)) {
    htmx.ajax("GET", `${url}?piece=roll`, { target: "#roll", swap: "outerHTML" });
  }
  if (document.getElementById("notes")) {
    htmx.ajax("GET", `${url}?piece=notes`, { target: "#notes", swap: "outerHTML" });
  }
  // What other apps add (actions, motions): the item's parts, and the panels unless in use.
  if (document.getElementById("item-parts")) {
    htmx.ajax("GET", `${url}?piece=sections`, { target: "#item-parts", swap: "outerHTML" });
  }
  const panels = document.getElementById("panels");
  if (panels && !panels.contains(document.activeElement)) {
    htmx.ajax("GET", `${url}?piece=panels`, { target: "#panels", swap: "outerHTML" });
  }
}

if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
else start();

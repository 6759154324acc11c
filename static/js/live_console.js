// The chair's live console: keyboard first. Enter saves a note, drafts survive every swap (and
// following a link: they are kept in localStorage per meeting and item until saved), failures
// are said next to the box that failed, and changes by a co-recorder appear by polling.
import { startPolling } from "./live_poll.js";

const memory = new Map(); // used only where localStorage is refused (private modes, quotas)

function consoleEl() {
  return document.getElementById("console");
}

// Drafts are named "note:<item id>" or "summary:<item id>"; a summary draft remembers the version
// it was written against, so restoring it over a newer save leads to the "merge" conflict.
const drafts = {
  key(name) {
    return `boardroom:draft:${consoleEl()?.dataset.meeting}:${name}`;
  },
  get(name) {
    try {
      const raw = localStorage.getItem(this.key(name));
      return raw === null ? undefined : JSON.parse(raw);
    } catch {
      return memory.get(name);
    }
  },
  set(name, value) {
    try {
      localStorage.setItem(this.key(name), JSON.stringify(value));
    } catch {
      memory.set(name, value);
    }
  },
  delete(name) {
    memory.delete(name);
    try {
      localStorage.removeItem(this.key(name));
    } catch {
      // Nothing stored there.
    }
  },
};

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

function noteBox() {
  const note = document.getElementById("note-text");
  return note?.form?.dataset.item ? { note, name: `note:${note.form.dataset.item}` } : {};
}

function summaryBox() {
  const summary = document.getElementById("summary-text");
  const form = document.getElementById("summary-form");
  return summary && form ? { summary, form, name: `summary:${form.dataset.item}` } : {};
}

function rememberDrafts() {
  const { note, name } = noteBox();
  if (note) {
    if (note.value.trim()) drafts.set(name, note.value);
    else drafts.delete(name);
  }
  const { summary, form, name: summaryName } = summaryBox();
  if (summary && !summary.closest(".error-summary")) {
    if (summary.value !== summary.defaultValue) {
      drafts.set(summaryName, { text: summary.value, version: form.elements.version?.value });
    } else if (!form.querySelector('[aria-invalid="true"]')) drafts.delete(summaryName);
  }
}

function restoreDrafts() {
  const { note, name } = noteBox();
  const kept = note && drafts.get(name);
  if (note && !note.value && typeof kept === "string") note.value = kept;
  const { summary, form, name: summaryName } = summaryBox();
  const draft = summary && drafts.get(summaryName);
  if (draft?.text !== undefined && !summary.closest(".error-summary") && summary.value === summary.defaultValue) {
    summary.value = draft.text;
    // Saved against the version it was written on: if someone saved since, the server says so.
    if (form.elements.version && draft.version) form.elements.version.value = draft.version;
  }
}

function hasUnsavedText() {
  const { note } = noteBox();
  const { summary } = summaryBox();
  return Boolean(note?.value.trim()) || (summary && summary.value !== summary.defaultValue);
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
      const name = `note:${form.dataset.item}`;
      const typed = drafts.get(name) ?? "";
      const rest = typed.startsWith(submittedNote) ? typed.slice(submittedNote.length).trim() : typed;
      if (rest && typed !== submittedNote) drafts.set(name, rest);
      else drafts.delete(name);
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

  // Every keystroke is kept, so following a link (or a crash) loses nothing; leaving with
  // unsaved text still asks first.
  document.addEventListener("input", (event) => {
    if (event.target.id === "note-text" || event.target.id === "summary-text") rememberDrafts();
  });
  window.addEventListener("beforeunload", (event) => {
    if (!hasUnsavedText() || leavingBySubmit) return;
    event.preventDefault();
    event.returnValue = "";
  });
  document.addEventListener("submit", (event) => {
    // A plain (non-htmx) form post from the console reloads the page on purpose.
    if (!event.target.hasAttribute("hx-post")) leavingBySubmit = true;
  });
  restoreDrafts();

  const root = consoleEl();
  poller = startPolling({
    url: root.dataset.liveUrl,
    version: root.dataset.liveVersion,
    interval: 2000,
    probe: true,
    onChange: () => refreshFromOthers(),
    // The session ended (logout elsewhere, a password change): say so and keep the drafts.
    onStop: (why) => {
      if (why !== "signed-out") return;
      const mark = document.getElementById("saved-mark");
      if (!mark) return;
      clearTimeout(showSaved.timer);
      mark.textContent = "Signed out — reload to sign in again";
      mark.classList.add("is-visible");
    },
    // Started or adjourned by a co-recorder: the whole console changes (drafts are kept).
    onStatus: (status) => {
      const now = consoleEl();
      if (!now || status === "scheduled") return;
      const running = now.dataset.inProgress === "true";
      if ((status === "in_progress") !== running || status === "adjourned") {
        if (status === "adjourned" && !running) return;
        htmx.ajax("GET", `${now.dataset.consoleUrl}?piece=console`, { target: "#console", swap: "outerHTML" });
      }
    },
  });
  document.getElementById("note-text")?.focus();
}

let poller = null;
let leavingBySubmit = false;

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

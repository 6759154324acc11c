// Site-wide behaviour that htmx attributes cannot express. Page-specific modules live beside it.

// Put the cursor in the first invalid field, as the form guidance asks.
function focusFirstInvalid(root = document) {
  const invalid = root.querySelector('[aria-invalid="true"], .errorlist + input, .field-error input');
  if (invalid) invalid.focus();
}

document.addEventListener("DOMContentLoaded", () => focusFirstInvalid());
document.addEventListener("htmx:afterSettle", (event) => focusFirstInvalid(event.target));

// Irreversible actions ask once, in words: a form with data-confirm="Remove … ?".
document.addEventListener("submit", (event) => {
  const question = event.target.dataset?.confirm;
  if (question && !window.confirm(question)) event.preventDefault();
});

// A table wider than its frame says so in words (the edge shadows say it in CSS alone), and the
// frame takes keyboard focus so that the arrow keys scroll it.
function markScrollingTables(root = document) {
  for (const frame of root.querySelectorAll(".table-wrap")) {
    const scrolls = frame.scrollWidth > frame.clientWidth + 1;
    frame.toggleAttribute("data-scrolls", scrolls);
    if (scrolls) {
      frame.tabIndex = 0;
      if (!frame.hasAttribute("aria-label")) {
        const caption = frame.querySelector("caption");
        frame.setAttribute("role", "region");
        frame.setAttribute("aria-label", caption ? caption.textContent.trim() : "Table, scrolls sideways");
      }
    } else {
      frame.removeAttribute("tabindex");
    }
    let hint = frame.previousElementSibling;
    if (!hint || !hint.classList.contains("scroll-hint")) {
      hint = document.createElement("p");
      hint.className = "scroll-hint";
      hint.setAttribute("aria-hidden", "true");
      hint.textContent = "Scroll sideways for more columns →";
      frame.before(hint);
    }
  }
}

document.addEventListener("DOMContentLoaded", () => markScrollingTables());
document.addEventListener("htmx:afterSettle", () => markScrollingTables());
window.addEventListener("resize", () => markScrollingTables());

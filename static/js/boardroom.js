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

// Every htmx request carries the CSRF token from the page's meta tag.
document.addEventListener("htmx:configRequest", (event) => {
  const meta = document.querySelector('meta[name="csrf-token"]');
  if (meta) event.detail.headers["X-CSRFToken"] = meta.content;
});

// A button marked data-print prints the page (receipts, passbooks, the books).
document.addEventListener("click", (event) => {
  if (event.target.closest("[data-print]")) window.print();
});

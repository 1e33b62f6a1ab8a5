// 운영 콘솔: small progressive enhancements (everything works without them).
document.addEventListener("DOMContentLoaded", () => {
  const toggle = document.querySelector(".menu-toggle");
  const nav = document.getElementById("nav");
  if (toggle && nav) {
    toggle.addEventListener("click", () => {
      const open = nav.classList.toggle("open");
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
    });
  }
  // Forms that ask before doing something that cannot be undone.
  document.body.addEventListener("submit", (event) => {
    const ask = event.target.getAttribute("data-confirm");
    if (ask && !window.confirm(ask)) event.preventDefault();
  });
});
// Keep the chat scrolled to the newest message (on load and after each turn).
document.addEventListener("DOMContentLoaded", () => {
  const log = document.querySelector(".chat-log");
  if (log) log.scrollTop = log.scrollHeight;
});
document.addEventListener("htmx:afterSwap", (event) => {
  const log = document.querySelector(".chat-log");
  if (log) log.scrollTop = log.scrollHeight;
});
// The template editor: picking another sample fills the values box and redraws the preview.
document.addEventListener("change", (event) => {
  if (!event.target.matches("select[data-samples]")) return;
  const source = document.getElementById("sample-" + event.target.value);
  const values = document.getElementById("values");
  if (source && values) {
    values.value = source.value;
    values.dispatchEvent(new Event("input", { bubbles: true }));
  }
});

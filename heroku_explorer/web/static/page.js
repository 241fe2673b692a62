// The page's own script (no inline script: the Content-Security-Policy forbids it).
window.addEventListener("DOMContentLoaded", () => {
  for (const button of document.querySelectorAll("button.restart")) {
    button.addEventListener("click", () => window.location.reload());
  }
});

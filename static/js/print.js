// A "Print" button for pages with a print stylesheet (no inline scripts).
document.querySelectorAll("[data-print]").forEach(function (button) {
  button.addEventListener("click", function (event) {
    event.preventDefault();
    window.print();
  });
});

// Printable pages: the 「打印」 button opens the browser's print dialog (the CSP allows no inline script).
(function () {
  document.querySelectorAll("button[data-print]").forEach(function (button) {
    button.addEventListener("click", function () {
      window.print();
    });
  });
})();

// Error page: the 「返回上一页」 link goes back in the browser's history (the CSP allows no javascript: links).
(function () {
  document.querySelectorAll("a[data-history-back]").forEach(function (link) {
    link.addEventListener("click", function (event) {
      event.preventDefault();
      history.back();
    });
  });
})();

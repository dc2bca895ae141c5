// 大字模式 (elder-friendly): larger text and touch targets for the whole page, remembered in this browser.
// The toggle says whether it is on by aria-pressed and a "✓" mark, not by colour alone.
import { markChosen } from "./dom.js";
import { loadLargeText, saveLargeText } from "./storage.js";

function apply(toggle, on) {
  document.documentElement.classList.toggle("large-text", on);
  markChosen(toggle, on);
}

export function wireLargeText(toggle) {
  apply(toggle, loadLargeText());
  toggle.addEventListener("click", function () {
    const on = toggle.getAttribute("aria-pressed") !== "true";
    saveLargeText(on);
    apply(toggle, on);
  });
}

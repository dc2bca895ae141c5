// The legal basis under an answer: one button per cited article, which opens the article's text (fetched once).
import { button, el } from "./dom.js";

async function loadArticle(citation, article) {
  article.textContent = "正在加载条文…";
  try {
    const response = await fetch("/api/statutes/" + encodeURIComponent(citation.law) + "/" + encodeURIComponent(citation.article));
    const data = await response.json();
    if (!response.ok) throw new Error(data.detail || "加载失败");
    article.textContent = data.article + "　" + data.text;
    article.dataset.loaded = "1";
  } catch (err) {
    article.textContent = citation.quote || ("条文暂时无法加载：" + err.message);
  }
}

export function citationList(citations) {
  const box = el("div", "citations");
  box.appendChild(el("p", "citations-title", "法律依据（点开看条文）："));
  citations.forEach(function (citation) {
    const toggle = button("citation", "《" + (citation.short_name || citation.law) + "》" + citation.article);
    toggle.setAttribute("aria-expanded", "false");
    const article = el("div", "article");
    article.hidden = true;
    toggle.addEventListener("click", function () {
      const open = toggle.getAttribute("aria-expanded") !== "true";
      toggle.setAttribute("aria-expanded", String(open));
      article.hidden = !open;
      if (open && !article.dataset.loaded) loadArticle(citation, article);
    });
    box.appendChild(toggle);
    box.appendChild(article);
  });
  return box;
}

// The web chat page: sends questions to /api/chat and shows the replies. All user and bot text is set with
// textContent (never parsed as HTML), so a "<script>" message is shown as text.
(function () {
  "use strict";
  const log = document.getElementById("log");
  const form = document.getElementById("ask");
  const input = document.getElementById("question");
  const send = document.getElementById("send");
  const sender = localStorage.getItem("farun-sender") || "web-" + Math.random().toString(36).slice(2, 12);
  localStorage.setItem("farun-sender", sender);

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function bubble(who, text) {
    const row = el("div", "msg " + who);
    const body = el("div", "bubble", text);
    row.appendChild(body);
    log.appendChild(row);
    log.scrollTop = log.scrollHeight;
    return body;
  }

  function citationList(citations) {
    const box = el("div", "citations");
    citations.forEach(function (c) {
      const toggle = el("button", "citation", "《" + (c.short_name || c.law) + "》" + c.article);
      toggle.type = "button";
      toggle.setAttribute("aria-expanded", "false");
      const article = el("div", "article");
      article.hidden = true;
      toggle.addEventListener("click", async function () {
        const open = toggle.getAttribute("aria-expanded") !== "true";
        toggle.setAttribute("aria-expanded", String(open));
        article.hidden = !open;
        if (!open || article.dataset.loaded) return;
        article.textContent = "正在加载条文…";
        try {
          const response = await fetch("/api/statutes/" + encodeURIComponent(c.law) + "/" + encodeURIComponent(c.article));
          const data = await response.json();
          if (!response.ok) throw new Error(data.detail || "加载失败");
          article.textContent = data.article + "　" + data.text;
          article.dataset.loaded = "1";
        } catch (err) {
          article.textContent = c.quote || ("条文暂时无法加载：" + err.message);
        }
      });
      box.appendChild(toggle);
      box.appendChild(article);
    });
    return box;
  }

  function choiceButtons(buttons) {
    const box = el("div", "choices");
    buttons.forEach(function (b) {
      const button = el("button", "", b.title);
      button.type = "button";
      button.addEventListener("click", function () {
        // One choice per row: the row is locked once a button is chosen, so an old button cannot be sent again.
        box.querySelectorAll("button").forEach(function (other) { other.disabled = true; });
        button.classList.add("chosen");
        button.setAttribute("aria-pressed", "true");
        ask(b.payload, b.title);
      });
      box.appendChild(button);
    });
    return box;
  }

  function feedbackButtons(reply, question) {
    const box = el("div", "feedback");
    [["有用", "useful"], ["没用", "not_useful"]].forEach(function (pair) {
      const button = el("button", "", pair[0]);
      button.type = "button";
      button.addEventListener("click", async function () {
        box.querySelectorAll("button").forEach(function (b) { b.disabled = true; });
        const response = await fetch("/api/feedback", {
          method: "POST", headers: {"Content-Type": "application/json"},
          body: JSON.stringify({sender: sender, value: pair[1], entry_ids: reply.entry_ids, question: question}),
        });
        box.appendChild(el("span", "thanks", response.ok ? "感谢您的反馈！" : "反馈提交失败，请稍后再试。"));
      });
      box.appendChild(button);
    });
    return box;
  }

  function showReply(reply, question) {
    const body = bubble("bot", reply.text);
    body.parentNode.dataset.kind = reply.kind;
    if (reply.citations.length) body.appendChild(citationList(reply.citations));
    if (reply.buttons.length) body.appendChild(choiceButtons(reply.buttons));
    const botAsksFeedback = reply.buttons.some(function (b) { return b.payload.startsWith("/feedback"); });
    if (reply.kind === "answer" && !botAsksFeedback) body.appendChild(feedbackButtons(reply, question));
  }

  const TIMEOUT_MS = 15000;
  const NO_CONNECTION = "抱歉，暂时连不上服务，您的问题没有丢。请点「重试」再发一次，或拨打12348公共法律服务热线咨询。";
  const TOO_SLOW = "抱歉，这次回复太慢了，您的问题没有丢。请点「重试」再发一次，或拨打12348公共法律服务热线咨询。";

  // Sends one message; a failure (no connection, an error status, no reply within TIMEOUT_MS) shows a Chinese
  // note with a retry button that sends the same message again.
  async function deliver(message, shown) {
    const waiting = bubble("bot typing", "正在思考…");
    send.disabled = true;
    let first = null;  // the first new reply: the view opens at its start, not at the end of a long answer
    const controller = new AbortController();
    const timer = setTimeout(function () { controller.abort(); }, TIMEOUT_MS);
    try {
      const response = await fetch("/api/chat", {
        method: "POST", headers: {"Content-Type": "application/json"},
        body: JSON.stringify({sender: sender, message: message}), signal: controller.signal,
      });
      if (!response.ok) throw new Error("status " + response.status);
      const data = await response.json();
      waiting.parentNode.remove();
      const before = log.children.length;
      data.replies.forEach(function (reply) { showReply(reply, shown || message); });
      first = log.children[before] || null;
    } catch (err) {
      if (waiting.parentNode) waiting.parentNode.remove();
      const note = bubble("error", err.name === "AbortError" ? TOO_SLOW : NO_CONNECTION);
      const retry = el("button", "retry", "重试");
      retry.type = "button";
      retry.addEventListener("click", function () {
        note.parentNode.remove();
        deliver(message, shown);
      });
      note.appendChild(retry);
    } finally {
      clearTimeout(timer);
      send.disabled = false;
      if (first) log.scrollTop = first.offsetTop - log.offsetTop;
      else log.scrollTop = log.scrollHeight;
    }
  }

  function ask(message, shown) {
    bubble("user", shown || message);
    return deliver(message, shown);
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    const message = input.value.trim();
    if (!message) return;
    input.value = "";
    ask(message);
  });
}());

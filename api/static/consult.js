// The consultation page /consult/<id>: reads /api/consultations/<id> and builds the articles, the comment forms,
// the questionnaire, the sign-up forms and "我的意见" with DOM calls only (no HTML strings from the server).
// The sender id is the chat page's (chat/storage.js), so the same browser sees its own opinions.

import { loadSender, randomId } from "./chat/storage.js";

const sender = loadSender();
const consultationId = Number(location.pathname.split("/").filter(Boolean).pop());
const api = "/api/consultations/" + consultationId;
let data = null;

function el(tag, attrs, children) {
  const node = document.createElement(tag);
  Object.entries(attrs || {}).forEach(function ([key, value]) {
    if (key === "text") node.textContent = value;
    else if (value === true) node.setAttribute(key, "");
    else if (value !== false && value !== null && value !== undefined) node.setAttribute(key, value);
  });
  (children || []).forEach(function (child) { node.append(child); });
  return node;
}

function say(target, text, ok) {
  target.textContent = text;
  target.className = "message " + (ok ? "ok" : "bad");
}

async function send(method, path, body) {
  let response;
  try {
    response = await fetch(api + path, {
      method: method,
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(Object.assign({ sender: sender }, body)),
    });
  } catch (err) {
    return { ok: false, message: "网络好像断了，请稍后再试。" };
  }
  const payload = await response.json().catch(function () { return {}; });
  if (response.ok) return { ok: true, message: payload.message || "已提交。" };
  if (response.status === 422 && Array.isArray(payload.detail)) {
    return { ok: false, message: "内容格式不对，请检查后再提交。" };
  }
  return { ok: false, message: typeof payload.detail === "string" ? payload.detail : "提交没有成功，请稍后再试。" };
}

function commentForm(articleId, label) {
  const key = articleId === null ? "whole" : String(articleId);
  const textId = "comment-" + key;
  const message = el("p", { class: "message", role: "status" });
  const text = el("textarea", { id: textId, name: "text", rows: "4", maxlength: String(data.max_comment_chars), required: true });
  const contact = el("input", { id: "contact-" + key, name: "contact", maxlength: "100", autocomplete: "tel" });
  const consent = el("input", { id: "consent-" + key, type: "checkbox", name: "consent" });
  const button = el("button", { type: "submit", text: "提交意见" });
  const form = el("form", { class: "comment", "data-article": key }, [
    el("label", { for: textId, text: "您对" + label + "的意见（不超过" + data.max_comment_chars + "字）" }),
    text,
    el("label", { for: "contact-" + key, text: "联系方式（可不填，不填即匿名）" }),
    contact,
    el("label", { class: "check", for: "consent-" + key }, [consent, "我同意工作人员用这个联系方式就我的意见与我联系"]),
    button,
    message,
  ]);
  let messageId = randomId(12);
  form.addEventListener("submit", async function (event) {
    event.preventDefault();
    if (!text.value.trim()) return say(message, "请先写下您的意见。", false);
    if (contact.value.trim() && !consent.checked) return say(message, "留下联系方式前，请先勾选同意。", false);
    button.disabled = true;
    const result = await send("POST", "/comments", {
      message_id: messageId, text: text.value, article_id: articleId,
      contact: contact.value, consent: consent.checked,
    });
    button.disabled = false;
    say(message, result.message, result.ok);
    if (result.ok) {
      text.value = "";
      messageId = randomId(12);
      refreshMine();
    }
  });
  return form;
}

function renderArticles() {
  const box = document.getElementById("articles");
  box.replaceChildren();
  let chapter = "";
  data.articles.forEach(function (article) {
    if (article.chapter && article.chapter !== chapter) {
      chapter = article.chapter;
      box.append(el("h3", { text: chapter }));
    }
    const node = el("div", { class: "article", id: "article-" + article.id }, [
      el("p", { class: "pre" }, [el("span", { class: "label", text: article.label + " " }), article.text]),
    ]);
    if (data.accepting) {
      node.append(el("details", {}, [el("summary", { text: "对" + article.label + "提意见" }), commentForm(article.id, article.label)]));
    }
    box.append(node);
  });
  const whole = document.getElementById("whole");
  whole.replaceChildren(data.accepting ? commentForm(null, "草案整体") : el("p", { text: closedText() }));
}

function closedText() {
  return data.state === "closed" || !data.accepting
    ? "本次征求意见已经截止（或尚未开始），暂不接收新的意见，感谢您的关注。"
    : "";
}

function renderQuestionnaire() {
  if (!data.questions.length) return;
  document.getElementById("questionnaire-section").hidden = false;
  const form = document.getElementById("questionnaire");
  form.replaceChildren();
  data.questions.forEach(function (question, index) {
    const name = "q" + question.id;
    const saved = data.my_answers[String(question.id)];
    const title = (index + 1) + ". " + question.prompt + (question.kind === "multiple" ? "（可多选）" : "");
    if (question.kind === "text") {
      form.append(el("label", { for: name, text: title }), el("textarea", { id: name, name: name, rows: "3", maxlength: "1000", text: saved || "" }));
      return;
    }
    const type = question.kind === "single" ? "radio" : "checkbox";
    const options = question.options.map(function (option, number) {
      const id = name + "-" + number;
      const checked = Array.isArray(saved) ? saved.includes(option) : saved === option;
      return el("label", { class: "check", for: id }, [el("input", { id: id, type: type, name: name, value: option, checked: checked }), option]);
    });
    form.append(el("fieldset", {}, [el("legend", { text: title })].concat(options)));
  });
  const message = el("p", { class: "message", role: "status" });
  if (data.accepting) {
    form.append(el("button", { type: "submit", text: "保存问卷" }), message);
  } else {
    form.querySelectorAll("input, textarea").forEach(function (input) { input.disabled = true; });
  }
  form.onsubmit = async function (event) {
    event.preventDefault();
    const answers = {};
    data.questions.forEach(function (question) {
      const name = "q" + question.id;
      if (question.kind === "text") answers[question.id] = form.elements[name].value;
      else {
        const checked = Array.from(form.querySelectorAll("input[name='" + name + "']:checked"), function (input) { return input.value; });
        if (checked.length) answers[question.id] = question.kind === "single" ? checked[0] : checked;
      }
    });
    const result = await send("PUT", "/answers", { answers: answers });
    say(message, result.message, result.ok);
  };
}

function renderEvents() {
  if (!data.events.length) return;
  document.getElementById("events-section").hidden = false;
  const box = document.getElementById("events");
  box.replaceChildren();
  data.events.forEach(function (item) {
    const key = "event-" + item.id;
    const message = el("p", { class: "message", role: "status" });
    const block = el("div", { class: "event" }, [
      el("h3", { text: item.name }),
      el("p", { text: "时间：" + item.starts_at + "　地点：" + item.place + "　剩余名额：" + item.left }),
    ]);
    if (data.accepting && item.left > 0) {
      const name = el("input", { id: key + "-name", maxlength: "50", required: true, autocomplete: "name" });
      const contact = el("input", { id: key + "-contact", maxlength: "100", required: true, autocomplete: "tel" });
      const consent = el("input", { id: key + "-consent", type: "checkbox", required: true });
      const form = el("form", {}, [
        el("label", { for: key + "-name", text: "称呼" }), name,
        el("label", { for: key + "-contact", text: "联系方式" }), contact,
        el("label", { class: "check", for: key + "-consent" }, [consent, "我同意工作人员用这个联系方式通知我参加活动"]),
        el("button", { type: "submit", text: "报名" }), message,
      ]);
      form.addEventListener("submit", async function (event) {
        event.preventDefault();
        const result = await send("POST", "/signups", { event_id: item.id, name: name.value, contact: contact.value, consent: consent.checked });
        say(message, result.message, result.ok);
      });
      block.append(form);
    }
    box.append(block);
  });
}

function renderMine() {
  const section = document.getElementById("mine-section");
  const list = document.getElementById("mine");
  section.hidden = !data.mine.length;
  list.replaceChildren.apply(list, data.mine.map(function (item) {
    const handled = item.handling ? "处理结果：" + item.handling + (item.reason ? "（" + item.reason + "）" : "") : "待处理";
    return el("li", {}, [el("strong", { text: item.article + "：" }), item.text, el("br"), el("span", { class: "meta", text: handled })]);
  }));
}

async function load() {
  const response = await fetch(api + "?sender=" + encodeURIComponent(sender)).catch(function () { return null; });
  if (!response || !response.ok) {
    document.getElementById("meta").textContent = "";
    document.getElementById("status").textContent = response && response.status === 404
      ? "没有找到这个征求意见项目，请检查链接。" : "页面加载失败，请稍后刷新再试。";
    return null;
  }
  return response.json();
}

async function refreshMine() {
  const fresh = await load();
  if (fresh) {
    data.mine = fresh.mine;
    renderMine();
  }
}

async function start() {
  data = await load();
  document.getElementById("consult").setAttribute("aria-busy", "false");
  if (!data) return;
  document.title = data.title + " · 立法意见征集";
  document.getElementById("title").textContent = data.title;
  document.getElementById("meta").textContent = data.issuer + " · 征求意见截止：" + data.closes_on;
  document.getElementById("status").textContent = closedText();
  if (data.summary) {
    document.getElementById("summary-section").hidden = false;
    document.getElementById("summary").textContent = data.summary;
  }
  if (data.feedback) {
    document.getElementById("feedback-section").hidden = false;
    document.getElementById("feedback").textContent = data.feedback;
  }
  renderMine();
  renderArticles();
  renderQuestionnaire();
  renderEvents();
  openLinkedArticle();
}

// A link from the chat (/consult/<id>#article-<article id>) opens that article's comment form.
function openLinkedArticle() {
  const target = location.hash ? document.getElementById(location.hash.slice(1)) : null;
  if (!target) return;
  const details = target.querySelector("details");
  if (details) details.open = true;
  target.scrollIntoView();
}

start();

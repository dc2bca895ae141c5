// Under a handoff reply that reached the staff queue (it has a handoff_id): an optional form to leave a phone
// number and a convenient time for a call-back, with an explicit consent tick, posted to
// /api/handoffs/{id}/callback. The number is never kept in this browser: the history remembers only the
// confirmation the server gave.
import { button, el } from "./dom.js";
import { loadSender } from "./storage.js";

const TIMEOUT_MS = 15000;
const FAILED = "提交没有成功，请稍后再试，或直接拨打12348公共法律服务热线。";
const NEED_CONSENT = "请先勾选同意，我们才能保存您的电话号码用于回电。";
const CONSENT = "我同意保存这个号码，仅用于工作人员给我回电；处理完毕或30天后自动删除。";

function labelled(id, text, input) {
  const wrap = el("div", "callback-field");
  const label = el("label", "", text);
  label.htmlFor = id;
  input.id = id;
  wrap.appendChild(label);
  wrap.appendChild(input);
  return wrap;
}

function input(type, name, maxLength) {
  const node = document.createElement("input");
  node.type = type;
  node.name = name;
  if (maxLength) node.maxLength = maxLength;
  return node;
}

async function post(requestId, body) {
  const controller = new AbortController();
  const timer = setTimeout(function () { controller.abort(); }, TIMEOUT_MS);
  try {
    const response = await fetch("/api/handoffs/" + encodeURIComponent(requestId) + "/callback", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body),
      signal: controller.signal,
    });
    const data = await response.json().catch(function () { return {}; });
    if (!response.ok) throw new Error(typeof data.detail === "string" ? data.detail : FAILED);
    return data;
  } finally {
    clearTimeout(timer);
  }
}

// item: the handoff reply's history item; save(): store the history.
export function callbackForm(item, save) {
  const box = el("form", "callback");
  box.noValidate = true;
  box.setAttribute("aria-label", "留下电话，请工作人员回电");
  if (item.callbackSent) {
    box.appendChild(el("p", "callback-done", item.callbackSent));
    return box;
  }
  const prefix = "cb-" + item.id;
  box.appendChild(el("p", "callback-title", "想请工作人员回电？可以留下电话（不填也可以）："));
  const phone = input("tel", "phone", 20);
  phone.autocomplete = "tel";
  phone.inputMode = "tel";
  phone.placeholder = "手机号或0519开头的座机";
  box.appendChild(labelled(prefix + "-phone", "电话号码", phone));
  const time = input("text", "time", 50);
  time.placeholder = "如：工作日下午";
  box.appendChild(labelled(prefix + "-time", "方便接听的时间（可不填）", time));
  const consent = input("checkbox", "consent");
  const consentRow = el("div", "callback-consent");
  consent.id = prefix + "-consent";
  const consentLabel = el("label", "", CONSENT);
  consentLabel.htmlFor = consent.id;
  consentRow.appendChild(consent);
  consentRow.appendChild(consentLabel);
  box.appendChild(consentRow);
  const submit = button("callback-send", "提交电话");
  submit.type = "submit";
  box.appendChild(submit);
  const status = el("p", "callback-status");
  status.setAttribute("role", "status");
  box.appendChild(status);

  box.addEventListener("submit", async function (event) {
    event.preventDefault();
    if (!phone.value.trim()) {
      status.textContent = "请填写电话号码。";
      phone.focus();
      return;
    }
    if (!consent.checked) {
      status.textContent = NEED_CONSENT;
      consent.focus();
      return;
    }
    submit.disabled = true;
    status.textContent = "正在提交…";
    try {
      const data = await post(item.reply.handoff_id, {
        sender: loadSender(), phone: phone.value.trim(), time: time.value.trim(), consent: true,
      });
      item.callbackSent = data.message;
      save();
      box.replaceChildren(el("p", "callback-done", data.message));
    } catch (err) {
      status.textContent = err.name === "AbortError" ? FAILED : (err.message || FAILED);
      submit.disabled = false;
    }
  });
  return box;
}

// The web chat page: sends questions to /api/chat and shows the replies. The conversation (its id and history)
// survives a reload; after a reload in the middle of a form the page asks whether to go on (chat/resume.js);
// 新对话 starts afresh on the page and on the bot's side; 大字模式 enlarges everything; the welcome's topic chips and
// examples send a message. All user and bot text is set with textContent, never parsed as HTML.
import { conversationState, resetConversation, sendMessage, sendVerdict } from "./chat/api.js";
import { Conversation } from "./chat/conversation.js";
import { button } from "./chat/dom.js";
import { wireLargeText } from "./chat/large_text.js";
import { MessageLog } from "./chat/log.js";
import { renderReply } from "./chat/reply.js";
import { offerResume } from "./chat/resume.js";
import { wireWelcome } from "./chat/welcome.js";

const NO_CONNECTION = "抱歉，暂时连不上服务，您的问题没有丢。请点「重试」再发一次，或拨打12348公共法律服务热线咨询。";
const TOO_SLOW = "抱歉，这次回复太慢了，您的问题没有丢。请点「重试」再发一次，或拨打12348公共法律服务热线咨询。";
const NEW_CHAT_NOTE = "已开始新对话，之前的记录已清除。请说说您遇到的问题。";
const RESUME = { message: "/resume", shown: "继续" }; // the bot repeats its pending question (resume intent)

const logNode = document.getElementById("log");
const log = new MessageLog(logNode);
const form = document.getElementById("ask");
const input = document.getElementById("question");
const send = document.getElementById("send");
const newChat = document.getElementById("new-chat");
const conversation = new Conversation();

const replyActions = {
  choose: function (item, choice, index) {
    item.chosen = index;
    conversation.save();
    ask(choice.payload, choice.title);
  },
  judge: function (item, value) {
    return sendVerdict(conversation.sender, item, value);
  },
  save: function () {
    conversation.save();
  },
};

function showBot(item) {
  const body = log.add("bot", item.reply.text);
  body.parentNode.dataset.kind = item.reply.kind || "";
  renderReply(body, item, replyActions);
  return body.parentNode;
}

function setBusy(busy) {
  send.disabled = busy;
  newChat.disabled = busy;
}

// Sends one message; a failure (no connection, an error status, no reply in time) shows a Chinese note with a
// retry button that sends the same message again.
async function deliver(message, shown) {
  const waiting = log.add("bot typing", "正在思考…");
  setBusy(true);
  let first = null; // the first new reply: the view opens at its start
  try {
    const data = await sendMessage(conversation.sender, message);
    waiting.parentNode.remove();
    const before = log.count();
    data.replies.forEach(function (reply) { showBot(conversation.addBot(reply, shown)); });
    first = log.rowAt(before);
  } catch (err) {
    if (waiting.parentNode) waiting.parentNode.remove();
    const note = log.add("error", err.name === "AbortError" ? TOO_SLOW : NO_CONNECTION);
    const retry = button("retry", "重试");
    retry.addEventListener("click", function () {
      note.parentNode.remove();
      deliver(message, shown);
    });
    note.appendChild(retry);
  } finally {
    setBusy(false);
    if (first) log.showFrom(first);
    else log.showEnd();
  }
}

// message: what the bot gets (text or a button's payload); shown: what the user sees they said.
function ask(message, shown) {
  const text = shown || message;
  log.add("user", text);
  conversation.addUser(text);
  return deliver(message, text);
}

// 新对话 (and 重新开始): the bot forgets the conversation, the page its history. If the bot cannot be reached the
// page takes a new conversation id, so an unfinished form can never take the next message as its answer.
async function startOver() {
  setBusy(true);
  let forgotten = true;
  try {
    await resetConversation(conversation.sender);
  } catch (err) {
    forgotten = false;
  }
  conversation.clear(!forgotten);
  log.clear();
  log.add("bot", NEW_CHAT_NOTE).parentNode.classList.add("note");
  setBusy(false);
}

// 继续: the form's pending question again, from the history (nothing is sent); the bot repeats it if the history
// no longer holds it.
function continueForm() {
  const question = conversation.lastQuestion();
  if (!question) {
    ask(RESUME.message, RESUME.shown);
    return;
  }
  log.showFrom(showBot(conversation.addBot(question.reply, question.question)));
}

function restoreHistory() {
  conversation.items.forEach(function (item) {
    if (item.who === "user") log.add("user", item.text);
    else showBot(item);
  });
  log.showEnd();
}

// With a stored conversation, ask the server whether a form waits for an answer; if so, offer to go on.
async function offerToResume() {
  if (!conversation.items.length) return;
  try {
    const state = await conversationState(conversation.sender);
    if (!state.active_form) return;
    offerResume(log, state.form_title, continueForm, startOver);
    log.showEnd();
  } catch (err) {
    // the state is unknown: the history is shown as it is
  }
}

form.addEventListener("submit", function (event) {
  event.preventDefault();
  const message = input.value.trim();
  if (!message) return;
  input.value = "";
  ask(message);
});
newChat.addEventListener("click", startOver);
wireLargeText(document.getElementById("large-text"));
wireWelcome(document.querySelector(".welcome"), ask);
restoreHistory();
offerToResume().finally(function () { logNode.setAttribute("aria-busy", "false"); });

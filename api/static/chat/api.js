// The page's calls to the server, each with a time limit. A failure throws: an Error, or for a call that ran out of
// time one named "AbortError".

const TIMEOUT_MS = 15000;

async function call(path, options) {
  const controller = new AbortController();
  const timer = setTimeout(function () { controller.abort(); }, TIMEOUT_MS);
  try {
    const response = await fetch(path, Object.assign({ signal: controller.signal }, options));
    if (!response.ok) throw new Error("status " + response.status);
    return await response.json();
  } finally {
    clearTimeout(timer);
  }
}

function post(path, body) {
  return call(path, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
}

// The bot's replies to one message.
export function sendMessage(sender, message) {
  return post("/api/chat", { sender: sender, message: message });
}

// The bot forgets the conversation (slots, the form being filled).
export function resetConversation(sender) {
  return post("/api/chat/reset", { sender: sender });
}

// {active_form, form_title}: the form waiting for the user's answer, if any.
export function conversationState(sender) {
  return call("/api/chat/state?sender=" + encodeURIComponent(sender), {});
}

// The user's 有用/没用 on one answer; the server keeps the latest per answer.
export function sendVerdict(sender, item, value) {
  return post("/api/feedback", {
    sender: sender, value: value, entry_ids: item.reply.entry_ids, question: item.question, answer: item.id,
  });
}

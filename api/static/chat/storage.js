// What the page keeps in this browser (localStorage): the conversation id, the conversation's history and the
// large-text choice. Where storage is unavailable (private browsing, full) the page still works, for this visit.

const SENDER_KEY = "farun-sender";
const HISTORY_KEY = "farun-history";
const LARGE_TEXT_KEY = "farun-large-text";
const MAX_ITEMS = 200; // the oldest messages are dropped beyond this, so storage never fills up
const SENDER_PATTERN = /^[A-Za-z0-9_-]{1,128}$/;

function read(key) {
  try {
    return localStorage.getItem(key);
  } catch (err) {
    return null;
  }
}

function write(key, value) {
  try {
    if (value === null) localStorage.removeItem(key);
    else localStorage.setItem(key, value);
  } catch (err) {
    // storage unavailable: kept for this visit only
  }
}

// A random id of letters and digits (crypto.getRandomValues works on plain http too, unlike randomUUID).
export function randomId(bytes) {
  const values = crypto.getRandomValues(new Uint8Array(bytes));
  return Array.from(values, function (value) { return value.toString(16).padStart(2, "0"); }).join("");
}

export function loadSender() {
  const stored = read(SENDER_KEY);
  return stored && SENDER_PATTERN.test(stored) ? stored : saveSender("web-" + randomId(8));
}

export function saveSender(sender) {
  write(SENDER_KEY, sender);
  return sender;
}

export function loadHistory() {
  try {
    const items = JSON.parse(read(HISTORY_KEY) || "[]");
    return Array.isArray(items) ? items : [];
  } catch (err) {
    return [];
  }
}

export function saveHistory(items) {
  write(HISTORY_KEY, JSON.stringify(items.slice(-MAX_ITEMS)));
}

export function clearHistory() {
  write(HISTORY_KEY, null);
}

export function loadLargeText() {
  return read(LARGE_TEXT_KEY) === "1";
}

export function saveLargeText(on) {
  write(LARGE_TEXT_KEY, on ? "1" : null);
}

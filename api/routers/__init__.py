"""One router per resource: chat, search, statutes, health."""

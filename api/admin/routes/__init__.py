"""Admin page routers, one module per resource (login, entries, audit log, accounts, …)."""

"""Start Rasa's server with its HTTP API and the auth token from the environment, never on the command line.

``python -m bot.launch_rasa [rasa run options]`` (Rasa's own Python, from the checkout) runs
``rasa run --enable-api --auth-token=$FARUN_RASA_TOKEN [options]`` inside this process. The token is only in
the argument list Rasa parses here; ``ps`` shows this module's command line, which does not hold it.
"""

from __future__ import annotations

import os
import sys


def rasa_argv(token: str, options: list[str]) -> list[str]:
    """Rasa's argument list: the token as one argument with "=", since a token may start with "-"."""
    return ["rasa", "run", "--enable-api", f"--auth-token={token}", *options]


if __name__ == "__main__":
    from rasa.__main__ import main  # Rasa's own entry point (.venv-rasa/bin/rasa)

    sys.argv = rasa_argv(os.environ["FARUN_RASA_TOKEN"], sys.argv[1:])
    sys.exit(main())

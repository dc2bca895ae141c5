"""The two processes load only their own stack: the API never loads the Rasa SDK or Sanic, the actions never FastAPI.

Import-linter (``make validate``) checks the source; these tests check what a
fresh interpreter really loads, including third-party imports made indirectly.
"""

from __future__ import annotations

import subprocess
import sys

from knowledge_base.settings import ROOT


def loaded_after(statement: str, modules: list[str]) -> dict[str, bool]:
    probe = f"import sys\n{statement}\nprint(' '.join(str(m in sys.modules) for m in {modules!r}))"
    result = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True)
    return dict(zip(modules, (word == "True" for word in result.stdout.split())))


def test_importing_the_api_loads_no_rasa_sdk_and_no_sanic():
    assert loaded_after("import api.main", ["rasa_sdk", "sanic", "fastapi"]) == {
        "rasa_sdk": False,
        "sanic": False,
        "fastapi": True,
    }


def test_importing_every_action_module_loads_no_web_framework():
    statement = (
        "import importlib, pkgutil, actions\n"
        "for module in pkgutil.iter_modules(actions.__path__): importlib.import_module(f'actions.{module.name}')"
    )
    assert loaded_after(statement, ["fastapi", "starlette", "rasa_sdk"]) == {
        "fastapi": False,
        "starlette": False,
        "rasa_sdk": True,
    }

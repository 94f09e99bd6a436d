"""The virtual environment every fixture script runs in: <repo>/.venv-fixtures.

Each make_*_fixtures.py calls ensure(REQUIREMENTS, __file__) first. Outside the environment this
creates it if needed, installs any pinned requirement whose installed version differs, and
re-executes the script inside it; inside the environment it returns at once. git ignores the
environment (.venv*/).
"""

import os
import subprocess
import sys
from pathlib import Path

VENV = Path(__file__).resolve().parents[3] / ".venv-fixtures"


def python():
    """The environment's interpreter."""
    return VENV / "bin" / "python"


def running_inside():
    """Whether this interpreter is the environment's."""
    try:
        return Path(sys.prefix).resolve() == VENV.resolve()
    except OSError:
        return False


def has(requirements):
    """Whether every 'name==version' requirement is installed in the environment at that version."""
    probe = ("import importlib.metadata as m, sys\n"
             "def installed(p):\n"
             "    try:\n"
             "        return m.version(p)\n"
             "    except m.PackageNotFoundError:\n"
             "        return None\n"
             "sys.exit(0 if all(installed(p) == v for p, v in {!r}) else 1)"
             .format([tuple(r.split("==")) for r in requirements]))
    return subprocess.call([str(python()), "-c", probe]) == 0


def ensure(requirements, script):
    """Makes sure `script` runs inside the environment with `requirements` installed."""
    if running_inside():
        return
    if not python().exists():
        print(f"creating virtual environment {VENV}", flush=True)
        subprocess.check_call([sys.executable, "-m", "venv", str(VENV)])
    if not has(requirements):
        print("installing: " + " ".join(requirements), flush=True)
        subprocess.check_call([str(python()), "-m", "pip", "install", "--quiet",
                               "--disable-pip-version-check", *requirements])
    path = str(Path(script).resolve())
    os.execv(str(python()), [str(python()), path, *sys.argv[1:]])

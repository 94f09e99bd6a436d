"""Helpers shared by the side-by-side benchmark scripts (compare_sklearn.py, compare_hmmlearn.py):
messages, the virtual environment test, BLAS environment, atomic writes, peak memory, parsing
child output and formatting."""

import json
import os
import statistics
import sys
import tempfile
from pathlib import Path

BENCH = Path(__file__).resolve().parent
VENV = BENCH / ".venv"
# OpenBLAS variables this machine may set; they slow a current numpy (see the machine notes).
BLAS_VARIABLES = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")


def note(message):
    print(message, file=sys.stderr, flush=True)


def inside_venv():
    return Path(sys.prefix).resolve() == VENV.resolve()


def numpy_environment():
    """The environment of a child that runs numpy: without the OpenBLAS overrides."""
    env = dict(os.environ)
    for name in BLAS_VARIABLES:
        env.pop(name, None)
    return env


def write_atomically(path, write):
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=path.name + ".", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            write(stream)
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        os.unlink(temporary)
        raise


def self_peak_bytes():
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def last_json_line(text, key):
    for line in reversed(text.strip().splitlines()):
        line = line.strip()
        if line.startswith("{") and line.endswith("}"):
            try:
                value = json.loads(line)
            except ValueError:
                continue
            if key in value:
                return value
    return None


def tail(text, lines=3):
    return " / ".join(text.strip().splitlines()[-lines:])


def mib(value):
    return f"{value / 1048576:.1f}"


def per_iteration(times_n, times_1, n):
    return (statistics.median(times_n) - statistics.median(times_1)) / (n - 1)


def ensure_venv(requirements, script, tag):
    """Installs `requirements` into bench/.venv once (a stamp file per `tag` remembers them), then
    re-executes `script` inside it with the same arguments; returns when already inside."""
    import subprocess

    python = VENV / "bin" / "python"
    stamp = VENV / f".{tag}-requirements"
    wanted = "\n".join(requirements) + "\n"
    installed = stamp.read_text() if stamp.exists() else None
    if installed != wanted:
        if not python.exists():
            note(f"creating {VENV} ...")
            subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
        note(f"installing {' '.join(requirements)} into {VENV} (once) ...")
        result = subprocess.run([str(python), "-m", "pip", "install", "--quiet", *requirements], stdout=sys.stderr)
        if result.returncode != 0:
            note(f"{tag}: pip install failed; see the messages above")
            sys.exit(2)
        stamp.write_text(wanted)
    if inside_venv():
        return
    variable = tag.upper().replace("-", "_") + "_REEXEC"
    if os.environ.get(variable):
        note(f"{tag}: re-executed with {python} but sys.prefix is {sys.prefix}")
        sys.exit(2)
    env = dict(os.environ, **{variable: "1", variable.replace("_REEXEC", "_ARGV0"): sys.argv[0]})
    os.execve(str(python), [str(python), str(script), *sys.argv[1:]], env)

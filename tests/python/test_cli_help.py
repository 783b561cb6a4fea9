"""`compindex SUBCOMMAND --help` shows every option's default (cli.HelpFormatter)."""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys

import pytest

from compindex import cli


def subparsers() -> dict[str, argparse.ArgumentParser]:
    parser = cli.build_parser()
    action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return dict(action.choices)


def option_help_lines(text: str) -> dict[str, str]:
    """Option string -> its whole help entry (joined lines), from a help text printed wide."""
    out: dict[str, str] = {}
    current = None
    for line in text.splitlines():
        m = re.match(r"^  (-[-\w]+)", line)
        if m:
            current = m.group(1)
            out[current] = line.strip()
        elif current and line.startswith("    "):
            out[current] += " " + line.strip()
        else:
            current = None
    return out


def test_every_subcommand_is_found() -> None:
    assert {"score", "weights", "convert"} <= set(subparsers())


@pytest.mark.parametrize("command", sorted(subparsers()))
def test_every_option_with_a_default_shows_it(command: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "400")  # one line per option
    p = subparsers()[command]
    entries = option_help_lines(p.format_help())
    checked = 0
    for action in p._actions:
        if (not action.option_strings or action.required or action.default in (None, False, argparse.SUPPRESS)
                or isinstance(action, argparse._HelpAction)):
            continue
        entry = entries[action.option_strings[0]]
        value = " ".join(map(str, action.default)) if isinstance(action.default, (list, tuple)) else str(action.default)
        assert "default" in entry.lower() and value in entry, f"{command} {action.option_strings[0]}: {entry!r}"
        checked += 1
    if command == "score":
        assert checked >= 5, checked


def test_score_help_shows_the_pipeline_defaults() -> None:
    out = subprocess.run([sys.executable, "-m", "compindex", "score", "--help"], capture_output=True, text=True,
                         env={**os.environ, "COLUMNS": "400"}, check=True).stdout
    entries = option_help_lines(out)
    assert entries["--normalization"].endswith("(default: min_max)")
    assert entries["--range"].endswith("(default: 0.0 100.0)")
    assert entries["--aggregation"].endswith("(default: arithmetic_mean)")
    assert entries["--coverage"].endswith("(default: 0.0)")
    # Required options and options without a default say nothing of one.
    assert "default" not in entries["--framework"] and "default" not in entries["--weights"]

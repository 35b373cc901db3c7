"""The deploy files: the install script in a temporary root, the units, the cron line."""

from __future__ import annotations

import configparser
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from narrator.config import load_station
from tests.helpers import ROOT

DEPLOY = ROOT / "deploy"
VENV = Path(sys.executable).parent.parent


def _unit(path: Path) -> configparser.RawConfigParser:
    parser = configparser.RawConfigParser(strict=False, interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read(path)
    return parser


def _environment(path: Path) -> dict[str, str]:
    """Every ``Environment=`` of a unit (configparser keeps only the last one)."""
    lines = [line for line in path.read_text().splitlines() if line.startswith("Environment=")]
    return dict(line.removeprefix("Environment=").split("=", 1) for line in lines)


def _install(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["sh", str(DEPLOY / "install.sh"), "--root", str(root), "--venv", str(VENV), *args],
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("server")
    result = _install(root, "--web-root", "/srv/narrator/public")
    assert result.returncode == 0, result.stderr
    return root


def _owner(root: Path) -> tuple[int, int]:
    for line in (root / "etc" / "passwd").read_text().splitlines():
        name, _, uid, gid, *_ = line.split(":")
        if name == "narrator":
            return int(uid), int(gid)
    raise AssertionError("no narrator user")


def test_the_install_script_sets_up_a_fresh_server(installed: Path) -> None:
    uid, gid = _owner(installed)
    passwd = next(
        line
        for line in (installed / "etc/passwd").read_text().splitlines()
        if line.startswith("narrator:")
    )
    assert passwd.endswith(":/var/lib/narrator:/usr/sbin/nologin")
    for folder in (
        "srv/narrator/articles",
        "srv/narrator/public",
        "var/lib/narrator/voices",
        "var/cache/narrator",
        "var/log/narrator",
    ):
        info = (installed / folder).stat()
        assert (info.st_uid, info.st_gid) == (uid, gid), folder
    assert (installed / "srv/narrator").stat().st_uid == 0  # the program is root's
    assert os.access(installed / "srv/narrator/.venv/bin/narrator", os.X_OK)
    station = load_station(installed / "srv/narrator/station.toml")
    assert station.feed.out == Path("/srv/narrator/public")
    assert station.voice.voices_dir == Path("/var/lib/narrator/voices")
    assert station.cache.dir == Path("/var/cache/narrator")
    wants = installed / "etc/systemd/system/timers.target.wants/narrator-feed.timer"
    assert wants.is_symlink()
    assert not (installed / "etc/systemd/system/multi-user.target.wants").exists()


def test_the_install_script_can_run_again_and_keeps_the_station_file(installed: Path) -> None:
    station = installed / "srv/narrator/station.toml"
    station.write_text(station.read_text().replace("Narrator", "Қазақ радиосы"))
    again = _install(installed, "--web-root", "/srv/narrator/public")
    assert again.returncode == 0, again.stderr
    assert "Қазақ радиосы" in station.read_text()
    users = [
        line
        for line in (installed / "etc/passwd").read_text().splitlines()
        if line.startswith("narrator:")
    ]
    assert len(users) == 1


def test_the_install_script_refuses_bad_options(tmp_path: Path) -> None:
    result = _install(tmp_path, "--frobnicate")
    assert result.returncode == 2
    assert "unknown option --frobnicate" in result.stderr


def _bound_srv(root: Path, command: str) -> subprocess.CompletedProcess[str]:
    """Run ``command`` with root/srv/narrator seen at /srv/narrator (a private mount
    namespace, so the host is untouched), and /var/log without a narrator folder."""
    script = (
        "mount -t tmpfs tmpfs /srv && mkdir /srv/narrator && "
        f'mount --bind "{root}/srv/narrator" /srv/narrator && '
        "mount -t tmpfs tmpfs /var/log && " + command
    )
    return subprocess.run(
        ["unshare", "-m", "sh", "-c", script], capture_output=True, text=True, timeout=300
    )


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="needs systemd-analyze")
def test_systemd_analyze_verifies_the_installed_units(installed: Path) -> None:
    units = installed / "etc/systemd/system"
    result = _bound_srv(
        installed,
        f'systemd-analyze verify "{units}/narrator-feed.service" "{units}/narrator-feed.timer"',
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr.strip() == "", result.stderr


def test_the_service_unit_works_under_strict_protection() -> None:
    service = _unit(DEPLOY / "narrator-feed.service")
    settings = dict(service.items("Service"))
    assert not service.has_section("Install"), "a timer-started oneshot has no WantedBy"
    assert settings["ProtectSystem"] == "strict"
    assert settings.get("ProtectHome", "no") in ("no", "read-only"), "voices under /home"
    env = _environment(DEPLOY / "narrator-feed.service")
    # Every folder it writes is one systemd creates for it, or the web root.
    assert env["NARRATOR_CACHE_DIR"] == f"/var/cache/{settings['CacheDirectory']}"
    assert env["NARRATOR_VOICES_DIR"].startswith(f"/var/lib/{settings['StateDirectory']}/")
    assert settings["LogsDirectory"] == "narrator"
    station = load_station(DEPLOY / "station.toml")
    writable = [p.lstrip("-") for p in settings["ReadWritePaths"].split()]
    assert str(station.feed.out) in writable
    assert str(station.voice.voices_dir) == env["NARRATOR_VOICES_DIR"]
    timer = _unit(DEPLOY / "narrator-feed.timer")
    assert timer.get("Install", "WantedBy") == "timers.target"


def test_the_cron_line_runs_without_a_log_folder(installed: Path) -> None:
    line = next(
        line
        for line in (DEPLOY / "crontab.example").read_text().splitlines()
        if line.startswith("5 ")
    )
    command = line.split(None, 5)[5]
    assert "/var/log/narrator" not in command
    env = " ".join(
        line
        for line in (DEPLOY / "crontab.example").read_text().splitlines()
        if line.startswith("NARRATOR_")
    )
    result = _bound_srv(
        installed,
        f"test ! -e /var/log/narrator && export {env} && "
        f"NARRATOR_CACHE_DIR=/srv/narrator/cache && ({command}); echo status=$?",
    )
    assert "status=0" in result.stdout, result.stderr
    # The build ran: it published an (empty) feed into the station's web root.
    assert (installed / "srv/narrator/public/feed.xml").is_file()


def test_the_cron_d_variant_names_the_user(tmp_path: Path) -> None:
    result = _install(tmp_path, "--cron")
    assert result.returncode == 0, result.stderr
    cron = (tmp_path / "etc/cron.d/narrator").read_text()
    schedule = next(line for line in cron.splitlines() if line.startswith("5 "))
    assert schedule.split()[5] == "narrator"
    assert "NARRATOR_VOICES_DIR=/var/lib/narrator/voices" in cron
    assert not (tmp_path / "etc/systemd/system/narrator-feed.service").exists()

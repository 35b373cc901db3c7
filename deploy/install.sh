#!/bin/sh
# Install narrator's hourly podcast feed on a fresh Debian (12+) server, as root:
#
#   sudo deploy/install.sh                      # systemd timer (the default)
#   sudo deploy/install.sh --cron               # /etc/cron.d/narrator instead
#
# It creates the `narrator` system user, /srv/narrator (the program, its station file
# and the articles folder), the web root, the voices, cache and log folders, a
# virtualenv with narrator installed, and the timer (or cron line). It is safe to run
# again: what exists is kept (the station file is never overwritten).
#
# Options:
#   --root DIR       install into DIR instead of / (images, tests): no apt-get, no
#                    systemctl start; the user is added to DIR/etc/passwd
#   --venv PATH      use this existing virtualenv (narrator installed in it) instead
#                    of creating /srv/narrator/.venv
#   --source PATH    what pip installs (default: the checkout this script is in)
#   --web-root DIR   the published folder (default /var/www/podcast)
#   --cron           a cron line instead of the systemd timer
#   --no-packages    do not apt-get install python3-venv
set -eu

ROOT=""
VENV=""
SOURCE="$(cd "$(dirname "$0")/.." && pwd)"
WEB_ROOT="/var/www/podcast"
USE_CRON=0
PACKAGES=1
USER_NAME="narrator"

usage() { sed -n '2,22p' "$0" | sed 's/^# \{0,1\}//'; exit "${1:-0}"; }
die() { echo "install.sh: $*" >&2; exit 1; }

while [ $# -gt 0 ]; do
    case "$1" in
        --root) ROOT="${2:?--root needs a folder}"; shift 2 ;;
        --venv) VENV="${2:?--venv needs a path}"; shift 2 ;;
        --source) SOURCE="${2:?--source needs a path}"; shift 2 ;;
        --web-root) WEB_ROOT="${2:?--web-root needs a folder}"; shift 2 ;;
        --cron) USE_CRON=1; shift ;;
        --no-packages) PACKAGES=0; shift ;;
        -h|--help) usage 0 ;;
        *) echo "install.sh: unknown option $1" >&2; usage 2 ;;
    esac
done
[ "$(id -u)" -eq 0 ] || die "run it as root (it creates a user and system folders)"
if [ -n "$ROOT" ]; then
    ROOT="$(cd "$ROOT" && pwd)" || die "--root $ROOT does not exist"
    PACKAGES=0
fi
DEPLOY="$SOURCE/deploy"
[ -f "$DEPLOY/narrator-feed.service" ] || die "no deploy/ files in $SOURCE (use --source)"

step() { echo "==> $*"; }

# 1. Python with venv support.
if [ "$PACKAGES" -eq 1 ]; then
    step "installing python3 and python3-venv"
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
        python3 python3-venv >/dev/null
fi

# 2. The system user (home: its state folder; no login).
mkdir -p "$ROOT/etc"
if [ -n "$ROOT" ]; then
    for file in passwd group shadow gshadow; do [ -e "$ROOT/etc/$file" ] || : > "$ROOT/etc/$file"; done
    grep -q '^root:' "$ROOT/etc/passwd" || echo 'root:x:0:0:root:/root:/bin/sh' >> "$ROOT/etc/passwd"
    grep -q '^root:' "$ROOT/etc/group" || echo 'root:x:0:' >> "$ROOT/etc/group"
fi
if ! grep -q "^$USER_NAME:" "$ROOT/etc/passwd" 2>/dev/null; then
    step "creating the $USER_NAME user"
    if [ -n "$ROOT" ]; then prefix="--prefix $ROOT"; else prefix=""; fi
    # shellcheck disable=SC2086
    useradd $prefix --system --user-group --home-dir /var/lib/narrator --no-create-home \
        --shell /usr/sbin/nologin "$USER_NAME"
fi
uid="$(awk -F: -v u="$USER_NAME" '$1 == u { print $3 }' "$ROOT/etc/passwd")"
gid="$(awk -F: -v u="$USER_NAME" '$1 == u { print $4 }' "$ROOT/etc/passwd")"
[ -n "$uid" ] || die "no $USER_NAME user in $ROOT/etc/passwd"

# 3. Folders: the program (root's), and what the feed writes (the user's).
step "creating /srv/narrator, $WEB_ROOT, /var/lib/narrator, /var/cache/narrator, /var/log/narrator"
install -d -m 0755 "$ROOT/srv/narrator"
install -d -m 0775 -o "$uid" -g "$gid" "$ROOT/srv/narrator/articles"
install -d -m 0755 -o "$uid" -g "$gid" "$ROOT$WEB_ROOT"
install -d -m 0755 -o "$uid" -g "$gid" "$ROOT/var/lib/narrator" "$ROOT/var/lib/narrator/voices"
install -d -m 0750 -o "$uid" -g "$gid" "$ROOT/var/cache/narrator" "$ROOT/var/log/narrator"

# 4. narrator itself, in a virtualenv.
if [ -n "$VENV" ]; then
    [ -x "$VENV/bin/narrator" ] || die "--venv $VENV has no bin/narrator"
    ln -sfn "$(cd "$VENV" && pwd)" "$ROOT/srv/narrator/.venv"
elif [ ! -x "$ROOT/srv/narrator/.venv/bin/narrator" ]; then
    step "installing narrator into /srv/narrator/.venv"
    python3 -m venv "$ROOT/srv/narrator/.venv"
    "$ROOT/srv/narrator/.venv/bin/pip" install --quiet "$SOURCE"
fi
mkdir -p "$ROOT/srv/narrator/docs"
cp "$SOURCE/docs/deploy.md" "$ROOT/srv/narrator/docs/deploy.md" 2>/dev/null || true

# 5. The station file (kept if there is one), with the web root it publishes to.
if [ ! -e "$ROOT/srv/narrator/station.toml" ]; then
    step "writing /srv/narrator/station.toml (edit base_url and link)"
    sed "s|^out = \"/var/www/podcast\"|out = \"$WEB_ROOT\"|" "$DEPLOY/station.toml" \
        > "$ROOT/srv/narrator/station.toml"
    chmod 0644 "$ROOT/srv/narrator/station.toml"
fi

# 6. The hourly run.
if [ "$USE_CRON" -eq 1 ]; then
    step "installing /etc/cron.d/narrator"
    install -d -m 0755 "$ROOT/etc/cron.d"
    # /etc/cron.d lines name the user after the schedule.
    sed -e "s|^\(5 \* \* \* \*\)  |\1 $USER_NAME  |" -e '/^# Install with/d' \
        "$DEPLOY/crontab.example" > "$ROOT/etc/cron.d/narrator"
    chmod 0644 "$ROOT/etc/cron.d/narrator"
else
    step "installing the systemd units"
    install -d -m 0755 "$ROOT/etc/systemd/system"
    sed "s|^ReadWritePaths=-/var/www/podcast|ReadWritePaths=-$WEB_ROOT|" \
        "$DEPLOY/narrator-feed.service" > "$ROOT/etc/systemd/system/narrator-feed.service"
    install -m 0644 "$DEPLOY/narrator-feed.timer" "$ROOT/etc/systemd/system/"
    chmod 0644 "$ROOT/etc/systemd/system/narrator-feed.service"
    if [ -n "$ROOT" ]; then
        systemctl --root="$ROOT" enable narrator-feed.timer >/dev/null 2>&1 \
            || { mkdir -p "$ROOT/etc/systemd/system/timers.target.wants" \
                 && ln -sf /etc/systemd/system/narrator-feed.timer \
                    "$ROOT/etc/systemd/system/timers.target.wants/narrator-feed.timer"; }
    elif [ -d /run/systemd/system ]; then
        systemctl daemon-reload
        systemctl enable --now narrator-feed.timer
    else
        echo "systemd is not running here: enable the timer at boot with" \
             "'systemctl enable --now narrator-feed.timer', or use --cron" >&2
    fi
fi

cat <<EOT
narrator is installed. Next:
  1. Edit /srv/narrator/station.toml: base_url and link (the public URLs).
  2. Optional, a neural voice: sudo -u $USER_NAME env NARRATOR_VOICES_DIR=/var/lib/narrator/voices \\
       /srv/narrator/.venv/bin/narrator voices install kk_KZ-issai-high
  3. Put articles in /srv/narrator/articles, then try one build:
       sudo -u $USER_NAME env NARRATOR_CACHE_DIR=/var/cache/narrator \\
       /srv/narrator/.venv/bin/narrator feed build --station /srv/narrator/station.toml
EOT

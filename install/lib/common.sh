# shellcheck shell=bash
# What every install script shares: logging, dry runs, idempotent writes, questions, the host's facts.
#
# Every action goes through `act` (a command) or `put_file` (a file's content, mode and owner), so that a dry run
# prints exactly what a real run would do and a second real run, finding everything as wanted, changes nothing and
# says so. Secrets are never passed to either: they are made by `ensure_secret`, straight into their file.

BERTH_DRY_RUN=${BERTH_DRY_RUN:-0}
BERTH_ASSUME_YES=${BERTH_ASSUME_YES:-0}
BERTH_CHANGES=0

say() { printf 'berth-install: %s\n' "$*"; }
warn() { printf 'berth-install: warning: %s\n' "$*" >&2; }
die() {
    printf 'berth-install: %s\n' "$*" >&2
    exit 1
}

# Sends everything this run prints to the terminal and to LOG. Fd 3 stays the terminal alone: the one secret an
# install shows (the first admin's password) goes there and never into the log.
start_log() {
    local log=$1
    mkdir -p "$(dirname "$log")"
    touch "$log"
    chmod 0600 "$log"
    exec 3>&1
    exec > >(tee -a "$log") 2>&1
    BERTH_TEE_PID=$!
    # At exit, let tee write the last lines (a die's message) before whoever ran this reads the output.
    trap 'exec 1>&- 2>&-; wait "$BERTH_TEE_PID" 2>/dev/null || true' EXIT
    say "log: $log"
}

dry() { [ "$BERTH_DRY_RUN" = 1 ]; }

changed() { BERTH_CHANGES=$((BERTH_CHANGES + 1)); }

# Runs a command that changes the host (or, in a dry run, prints it). Arguments must never hold a secret.
act() {
    changed
    if dry; then
        printf 'would run: %s\n' "$*"
        return 0
    fi
    printf 'run: %s\n' "$*"
    "$@"
}

# Writes stdin to PATH with MODE and OWNER (user:group) unless the file already holds exactly that. Sets
# PUT_CHANGED to 1 when it changed (or would change) the file, 0 when it was already as wanted, so that callers can
# restart what reads it.
PUT_CHANGED=0
put_file() {
    local path=$1 mode=$2 owner=$3 content tmp
    content=$(cat)
    PUT_CHANGED=0
    if [ -f "$path" ] && [ "$(cat "$path")" = "$content" ] \
        && [ "$(stat -c '%a %U:%G' "$path")" = "${mode#0} $owner" ]; then
        return 0
    fi
    PUT_CHANGED=1
    changed
    if dry; then
        printf 'would write: %s (%s %s, %d lines)\n' "$path" "$mode" "$owner" "$(printf '%s\n' "$content" | wc -l)"
        return 0
    fi
    mkdir -p "$(dirname "$path")"
    tmp=$(mktemp "$path.XXXXXX")
    printf '%s\n' "$content" >"$tmp"
    chmod "$mode" "$tmp"
    chown "$owner" "$tmp"
    mv -f "$tmp" "$path"
    printf 'wrote: %s (%s %s)\n' "$path" "$mode" "$owner"
}

# Makes a directory with MODE and OWNER unless it is already so.
put_dir() {
    local path=$1 mode=$2 owner=$3
    if [ -d "$path" ] && [ "$(stat -c '%a %U:%G' "$path")" = "${mode#0} $owner" ]; then
        return 0
    fi
    changed
    if dry; then
        printf 'would make directory: %s (%s %s)\n' "$path" "$mode" "$owner"
        return 0
    fi
    mkdir -p "$path"
    chmod "$mode" "$path"
    chown "$owner" "$path"
    printf 'directory: %s (%s %s)\n' "$path" "$mode" "$owner"
}

# A random password of 32 URL-safe characters on stdout, without a newline.
random_password() {
    openssl rand -base64 48 | tr -d '\n/+=' | cut -c1-32 | tr -d '\n'
}

# A random secret of 32 URL-safe characters in FILE (0600, OWNER), made once: an existing file is kept.
ensure_secret() {
    local file=$1 owner=$2
    if [ -s "$file" ]; then
        return 0
    fi
    changed
    if dry; then
        printf 'would make secret: %s (0600 %s)\n' "$file" "$owner"
        return 0
    fi
    mkdir -p "$(dirname "$file")"
    (umask 077 && { random_password; echo; } >"$file")
    chown "$owner" "$file"
    printf 'made secret: %s (0600 %s)\n' "$file" "$owner"
}

secret() { cat "$1"; }

# Asks a yes/no question on the terminal; --yes answers yes. A dry run answers yes too (it changes nothing).
confirm() {
    local question=$1 answer
    if [ "$BERTH_ASSUME_YES" = 1 ] || dry; then
        return 0
    fi
    [ -t 0 ] || die "$question: no terminal to ask on; run again with --yes to agree"
    read -r -p "$question [y/N] " answer
    [[ "$answer" =~ ^[Yy]([Ee][Ss])?$ ]]
}

# The package manager family: apt (Debian 12+, Ubuntu 22.04+) or dnf (RHEL/Rocky 9). BERTH_OS_RELEASE lets the
# dry-run tests read another system's os-release.
detect_os() {
    local release=${BERTH_OS_RELEASE:-/etc/os-release} id version like
    [ -r "$release" ] || die "cannot read $release: unsupported system"
    # shellcheck disable=SC1090
    id=$(. "$release" && echo "${ID:-}")
    # shellcheck disable=SC1090
    version=$(. "$release" && echo "${VERSION_ID:-0}")
    # shellcheck disable=SC1090
    like=$(. "$release" && echo "${ID_LIKE:-}")
    case "$id" in
        debian) [ "${version%%.*}" -ge 12 ] || die "Debian $version is too old: Berth needs Debian 12 or newer" ;;
        ubuntu) [ "${version%%.*}" -ge 22 ] || die "Ubuntu $version is too old: Berth needs Ubuntu 22.04 or newer" ;;
        rhel | rocky | almalinux) [ "${version%%.*}" -ge 9 ] || die "$id $version is too old: Berth needs 9 or newer" ;;
        *)
            case " $like " in
                *" rhel "*) [ "${version%%.*}" -ge 9 ] || die "$id $version is too old" ; id=rhel ;;
                *) die "unsupported system '$id $version': Berth installs on Debian 12+, Ubuntu 22.04+ and RHEL/Rocky 9" ;;
            esac
            ;;
    esac
    case "$id" in
        debian | ubuntu) BERTH_PKG=apt ;;
        *) BERTH_PKG=dnf ;;
    esac
    BERTH_OS="$id $version"
}

# Installs the packages not yet installed (names per family: callers pass the right ones).
install_packages() {
    local missing=() pkg
    for pkg in "$@"; do
        if [ "$BERTH_PKG" = apt ]; then
            dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
        else
            rpm -q "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
        fi
    done
    [ ${#missing[@]} -gt 0 ] || return 0
    if [ "$BERTH_PKG" = apt ]; then
        act apt-get update -qq
        DEBIAN_FRONTEND=noninteractive act apt-get install -y -qq --no-install-recommends "${missing[@]}"
    else
        act dnf install -y -q "${missing[@]}"
    fi
}

# Memory this host (or the cgroup it runs in) may use, in MiB.
memory_mib() {
    local total limit
    total=$(awk '/^MemTotal:/ {print int($2 / 1024)}' /proc/meminfo)
    for limit in /sys/fs/cgroup/memory.max /sys/fs/cgroup/memory/memory.limit_in_bytes; do
        if [ -r "$limit" ] && [[ "$(cat "$limit")" =~ ^[0-9]+$ ]]; then
            limit=$(($(cat "$limit") / 1048576))
            [ "$limit" -lt "$total" ] && total=$limit
            break
        fi
    done
    echo "$total"
}

# Whether a systemd unit is running here (a dry run on a host without systemd says no).
unit_active() { systemctl is-active --quiet "$1" 2>/dev/null; }

# Enables and starts UNIT, or restarts it when RESTART is 1 (its configuration changed).
ensure_running() {
    local unit=$1 restart=${2:-0}
    if ! systemctl is-enabled --quiet "$unit" 2>/dev/null; then
        act systemctl enable --quiet "$unit"
    fi
    if [ "$restart" = 1 ] && unit_active "$unit"; then
        act systemctl restart "$unit"
    elif ! unit_active "$unit"; then
        act systemctl start "$unit"
    fi
}

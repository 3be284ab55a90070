# shellcheck shell=bash
# What the end-to-end installer tests share (host-install.sh, quadlet.sh): logging, failing, commands inside the
# "host" (a container that boots systemd) and waiting for its boot. Set TEST (the log's prefix) and NAME (the
# container) before sourcing this file. FAILED is read by the test's own cleanup.
# shellcheck disable=SC2034
FAILED=0

log() { printf '[%s %s] %s\n' "$TEST" "$(date +%T)" "$*"; }
fail() {
    printf '[%s] FAILED: %s\n' "$TEST" "$*" >&2
    # shellcheck disable=SC2034
    FAILED=1
    exit 1
}
in_host() { podman exec "$NAME" "$@"; }
in_host_i() { podman exec -i "$NAME" "$@"; }

# Waits for the host's systemd to finish booting ("degraded" counts: a unit the host does not need may fail).
boot() {
    local state _
    for _ in $(seq 1 90); do
        state=$(in_host systemctl is-system-running 2>/dev/null || true)
        case "$state" in running | degraded) log "systemd: $state"; return 0 ;; esac
        sleep 1
    done
    fail "systemd did not finish booting (state: $state)"
}

# Fails unless every unit in the test's array "units" is active on the host; $1 says after what.
check_units() {
    local unit
    # shellcheck disable=SC2154 # units is the test's
    for unit in "${units[@]}"; do
        in_host systemctl is-active --quiet "$unit" || fail "$unit is not active after $1"
    done
    log "units active after $1: ${units[*]}"
}

# Waits up to 180 s for the gateway's health to be UP and, when the test defines a function ready_too, for that to
# succeed as well; $1 says after what.
health() {
    local body _
    for _ in $(seq 1 180); do
        body=$(in_host curl -fsS http://127.0.0.1:8080/q/health 2>/dev/null || true)
        if [ -n "$body" ] && [ "$(jq -r .status <<<"$body")" = UP ] \
            && { ! declare -F ready_too >/dev/null || ready_too; }; then
            log "health UP after $1"
            return 0
        fi
        sleep 1
    done
    fail "health is not UP after $1: $body"
}

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

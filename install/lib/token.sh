# shellcheck shell=bash
# An internal token (RS256, iss berth, aud berth-internal) signed with the services' private key, for scripts that
# call a service directly (./berth token, install/upgrade.sh). Whoever can read the key is trusted as much as the
# services are. Usage: mint_token KEY_FILE [ROLE] [SECONDS]

b64url() { openssl base64 -A | tr '+/' '-_' | tr -d '='; }

mint_token() {
    local key=$1 role=${2:-admin} seconds=${3:-3600} now header payload sig
    case "$role" in admin | operator | viewer | service) ;; *) echo "role: admin, operator, viewer or service" >&2; return 2 ;; esac
    [[ "$seconds" =~ ^[0-9]+$ ]] || { echo "seconds: a whole number" >&2; return 2; }
    [ -r "$key" ] || { echo "no readable key at $key" >&2; return 1; }
    now=$(date +%s)
    header=$(printf '{"alg":"RS256","typ":"JWT"}' | b64url)
    payload=$(printf '{"iss":"berth","aud":"berth-internal","sub":"berth-cli","upn":"berth-cli","groups":["%s"],"iat":%d,"exp":%d,"jti":"%s"}' \
        "$role" "$now" "$((now + seconds))" "$(cat /proc/sys/kernel/random/uuid)" | b64url)
    sig=$(printf '%s.%s' "$header" "$payload" | openssl dgst -sha256 -sign "$key" -binary | b64url)
    echo "$header.$payload.$sig"
}

# shellcheck shell=bash
# Sourced by the benchmarks that go through the gateway as a person would: signs in as the first administrator
# (BERTH_ADMIN_PASSWORD, or the file ./berth up wrote), adds a person of the run's own with the admin role (the first
# admin may still have to change its password in the browser) and signs it in.
# Needs GW, HOME_DIR and TMP; sets ADMIN (the first admin's token), TOKEN (the bench person's) and BENCH_ID;
# bench_person_remove takes the person away again. Tokens stay in variables and files, never on a command line.
PASSWORD=${BERTH_ADMIN_PASSWORD:-$(cat "$HOME_DIR/secrets/admin.password" 2>/dev/null || true)}
[ -n "$PASSWORD" ] || { echo "set BERTH_ADMIN_PASSWORD (the admin password)" >&2; exit 1; }
bench_login() { curl -sf -H 'content-type: application/json' -d @- "$GW/api/auth/login" | sed 's/.*"token":"\([^"]*\)".*/\1/'; }
ADMIN=$(printf '{"username":"admin","password":"%s"}' "$PASSWORD" | bench_login)
BENCH_USER=bench-$(date +%s); BENCH_PASSWORD=$(head -c 18 /dev/urandom | base64 | tr -d '/+=')
printf 'header = "Authorization: Bearer %s"\n' "$ADMIN" > "$TMP/admin.curlrc"
printf '{"username":"%s","password":"%s","role":"admin"}' "$BENCH_USER" "$BENCH_PASSWORD" \
  | curl -sf -o "$TMP/user" -K "$TMP/admin.curlrc" -H 'content-type: application/json' -d @- "$GW/api/users"
BENCH_ID=$(sed 's/.*"id":"\([^"]*\)".*/\1/' "$TMP/user")
TOKEN=$(printf '{"username":"%s","password":"%s"}' "$BENCH_USER" "$BENCH_PASSWORD" | bench_login)
printf 'header = "Authorization: Bearer %s"\n' "$TOKEN" > "$TMP/person.curlrc"
curl -sf -o /dev/null -X POST -K "$TMP/person.curlrc" "$GW/api/auth/onboarded"
bench_person_remove() { curl -sf -o /dev/null -X DELETE -K "$TMP/admin.curlrc" "$GW/api/users/$BENCH_ID" || true; }

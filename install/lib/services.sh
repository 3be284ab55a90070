# shellcheck shell=bash
# Berth's release under /opt/berth/releases/<version> (/opt/berth/current points at the one running), its system
# users, settings, keys, systemd units and the Podman API service.
#
#   /opt/berth/releases/<v>/{registry,provisioner,backup,gateway}/   each service (quarkus-app/, or a native runner)
#   /opt/berth/releases/<v>/{kafka/lib,tools,bin,podman}/             Kafka's jars, berth-tool, launchers
#   /etc/berth/<service>/.env   0600 berth   settings and this service's passwords (Quarkus reads .env)
#   /etc/berth/keys/            0700 berth   the internal key pair (ADR 0005)
#   /etc/berth/vault/vault.key  0600 berth   the vault's master key (made by the provisioner at its first start)
#   /etc/berth/secrets/         0700 berth   passwords the installer made
#   /var/backups/berth/         0700 berth   backups, on the boot disk: losing the data disk does not lose them

BERTH_OPT=/opt/berth
BERTH_SERVICES=(registry provisioner backup gateway)
BERTH_GATEWAY_LISTEN=${BERTH_GATEWAY_LISTEN:-127.0.0.1}

service_port() {
    case "$1" in
        gateway) echo 8080 ;;
        registry) echo 8081 ;;
        provisioner) echo 8082 ;;
        backup) echo 8083 ;;
    esac
}

# The version of the build in SRC (the root pom's), e.g. 0.1.0-SNAPSHOT.
source_version() {
    sed -n 's:^  <version>\(.*\)</version>:\1:p' "$1/pom.xml" | head -1
}

# The release a source tree holds: its version and a hash of what was built (two builds of one SNAPSHOT differ) and
# of the scripts and units it ships (a fix to restore-host.sh alone is a new release too).
release_id() {
    local src=$1 hash
    hash=$( { find "$src"/*-service/target/quarkus-app -type f -name '*.jar' 2>/dev/null
              find "$src"/*-service/target -maxdepth 1 -type f -name '*-runner' 2>/dev/null
              find "$src/install" "$src/deploy" -type f 2>/dev/null; } \
        | sort | xargs -r sha256sum | awk '{print $1}' | sha256sum | cut -c1-8)
    echo "$(source_version "$src")-$hash"
}

ensure_users() {
    local user
    for user in berth berth-kafka; do
        if ! getent passwd "$user" >/dev/null; then
            act useradd --system --user-group --home-dir /nonexistent --no-create-home --shell /usr/sbin/nologin "$user"
        fi
    done
    getent group berth-podman >/dev/null || act groupadd --system berth-podman
    if ! id -nG berth 2>/dev/null | grep -qw berth-podman; then
        act usermod -a -G berth-podman berth
    fi
}

# Copies the built services, Kafka's jars and the tools from the source tree SRC into a release directory. A release
# already there is kept as it is (it is what the units run); --reinstall replaces it.
install_release() {
    local src=$1 version=$2 dir=$BERTH_OPT/releases/$2 svc
    for svc in "${BERTH_SERVICES[@]}"; do
        [ -f "$src/$svc-service/target/quarkus-app/quarkus-run.jar" ] || ls "$src/$svc-service/target/"*-runner >/dev/null 2>&1 \
            || die "$svc-service is not built in $src: run ./mvnw package -DskipTests there first"
    done
    [ -d "$src/common/kafka-dist/target/lib" ] || die "Kafka's jars are missing in $src/common/kafka-dist/target/lib: build first"
    if [ -d "$dir" ] && [ "${BERTH_REINSTALL:-0}" != 1 ]; then
        say "release $version is in $dir"
    else
        changed
        if dry; then
            echo "would install release $version from $src into $dir"
        else
            local tmp=$dir.new
            rm -rf "$tmp"
            mkdir -p "$tmp/bin" "$tmp/kafka" "$tmp/tools" "$tmp/podman" "$tmp/docs"
            for svc in "${BERTH_SERVICES[@]}"; do
                mkdir -p "$tmp/$svc"
                if ls "$src/$svc-service/target/"*-runner >/dev/null 2>&1; then
                    cp "$src/$svc-service/target/"*-runner "$tmp/$svc/$svc-service-runner"
                else
                    cp -r "$src/$svc-service/target/quarkus-app" "$tmp/$svc/"
                fi
            done
            cp -r "$src/common/kafka-dist/target/lib" "$tmp/kafka/lib"
            cp "$src"/common/embedded/target/berth-embedded-*[0-9T].jar "$src"/common/contracts/target/berth-contracts-*[0-9T].jar \
                "$src"/common/security/target/berth-security-*[0-9T].jar "$tmp/tools/"
            cp "$src/deploy/systemd/berth-service" "$tmp/bin/"
            cp "$src/deploy/podman/service.sh" "$src/deploy/podman/containers.conf" "$tmp/podman/"
            cp -r "$src/deploy/systemd" "$tmp/systemd"
            [ -d "$src/docs/runbooks" ] && cp -r "$src/docs/runbooks" "$tmp/docs/"
            cp -r "$src/install" "$tmp/install"
            cat >"$tmp/bin/berth-tool" <<'EOF'
#!/bin/sh
# Berth's host tools (keys, kafka-setup, await-ready, probe): dev.berth.embedded.Embedded on this release's jars.
here=$(dirname "$(readlink -f "$0")")/..
exec java -cp "$here/tools/*:$here/kafka/lib/*" dev.berth.embedded.Embedded "$@"
EOF
            cat >"$tmp/bin/berth-token" <<'EOF'
#!/bin/bash
# An internal token for calling a service directly (the runbooks use it): berth-token [ROLE] [SECONDS].
# Needs read access to /etc/berth/keys (root or berth).
here=$(dirname "$(readlink -f "$0")")/..
. "$here/install/lib/token.sh"
mint_token /etc/berth/keys/internal-private.pem "${1:-admin}" "${2:-3600}"
EOF
            printf '%s\n' "status = warn" "appender.out.type = Console" "appender.out.name = out" \
                "appender.out.layout.type = PatternLayout" "appender.out.layout.pattern = %p %m (%c)%n" \
                "rootLogger.level = warn" "rootLogger.appenderRef.out.ref = out" \
                "logger.server.name = kafka.server.KafkaRaftServer" "logger.server.level = info" \
                >"$tmp/kafka/log4j2.properties"
            echo "$version" >"$tmp/VERSION"
            chmod -R go-w "$tmp"
            chmod 0755 "$tmp/bin/"* "$tmp/podman/service.sh"
            rm -rf "$dir"
            mv "$tmp" "$dir"
            echo "installed release $version into $dir"
        fi
    fi
    if [ "$(readlink "$BERTH_OPT/current" 2>/dev/null)" != "$dir" ]; then
        act ln -sfn "$dir" "$BERTH_OPT/current"
    fi
}

# The .env of one service: where PostgreSQL, Kafka and the other services are, and this service's own secrets.
service_env() {
    local svc=$1 db_host=$2 db_port=$3 url_host=$2
    # An IPv6 address (an external server's) goes into the services' connection URLs in brackets.
    [[ $db_host == *:* ]] && url_host="[$db_host]"
    cat <<EOF
# Written by Berth's installer (install/lib/services.sh); a rerun rewrites it. Holds passwords: 0600 berth.
QUARKUS_HTTP_HOST=$([ "$svc" = gateway ] && echo "$BERTH_GATEWAY_LISTEN" || echo 127.0.0.1)
BERTH_GATEWAY_PORT=$(service_port gateway)
BERTH_REGISTRY_PORT=$(service_port registry)
BERTH_PROVISIONER_PORT=$(service_port provisioner)
BERTH_BACKUP_PORT=$(service_port backup)
BERTH_REGISTRY_URL=http://127.0.0.1:$(service_port registry)
BERTH_PROVISIONER_URL=http://127.0.0.1:$(service_port provisioner)
BERTH_BACKUP_URL=http://127.0.0.1:$(service_port backup)
BERTH_DB_HOST=$url_host
BERTH_DB_PORT=$db_port
BERTH_DB_NAME=berth_$svc
BERTH_DB_USER=berth_$svc
BERTH_DB_PASSWORD=$(secret "/etc/berth/secrets/berth_$svc.password")
BERTH_INSTANCE_HOST=$db_host
BERTH_INSTANCE_PORT=$db_port
BERTH_KEYS_DIR=/etc/berth/keys
KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:$BERTH_KAFKA_PORT
BERTH_KAFKA_SECURITY_PROTOCOL=SASL_PLAINTEXT
BERTH_KAFKA_SASL_MECHANISM=SCRAM-SHA-512
BERTH_KAFKA_SASL_JAAS_CONFIG=org.apache.kafka.common.security.scram.ScramLoginModule required username="berth" password="$(secret /etc/berth/secrets/kafka-berth.password)";
BERTH_PODMAN_SOCKET=/run/berth-podman/podman.sock
BERTH_HOOK_SOCKET=/run/berth/berth.sock
EOF
    case "$svc" in
        provisioner)
            echo "BERTH_INSTANCE_ADMIN_USER=berth_admin"
            echo "BERTH_INSTANCE_ADMIN_PASSWORD=$(secret /etc/berth/secrets/berth_admin.password)"
            echo "BERTH_VAULT_KEY_FILE=/etc/berth/vault/vault.key"
            if [ "${BERTH_WITH_POOLER:-1}" = 1 ]; then
                echo "BERTH_POOLER_PORT=$BERTH_POOLER_PORT"
                echo "BERTH_POOLER_STATS_USER=berth_pgbouncer_stats"
                echo "BERTH_POOLER_STATS_PASSWORD=$(secret /etc/berth/secrets/berth_pgbouncer_stats.password)"
            fi
            ;;
        registry)
            if [ "${BERTH_WITH_POOLER:-1}" = 1 ]; then
                echo "BERTH_POOLER_PORT=$BERTH_POOLER_PORT"
                echo "BERTH_POOLER_DEFAULT=${BERTH_POOLER_DEFAULT:-true}"
            fi
            ;;
        backup) echo "BERTH_BACKUP_DIR=/var/backups/berth" ;;
        gateway) echo "BERTH_ADMIN_PASSWORD_FILE=/etc/berth/gateway/admin.password" ;;
    esac
}

setup_services() {
    local db_host=$1 db_port=$2 svc restart_all=0 unit
    put_dir /etc/berth 0755 root:root
    put_dir /etc/berth/keys 0700 berth:berth
    put_dir /etc/berth/vault 0700 berth:berth
    put_dir /var/backups/berth 0700 berth:berth
    if [ ! -s /etc/berth/keys/internal-private.pem ]; then
        changed
        if dry; then
            echo "would make the internal key pair in /etc/berth/keys (private key 0600 berth)"
        else
            runuser -u berth -- "$BERTH_OPT/current/bin/berth-tool" keys /etc/berth/keys
            echo "made the internal key pair in /etc/berth/keys"
        fi
    fi
    for svc in "${BERTH_SERVICES[@]}"; do
        put_dir "/etc/berth/$svc" 0700 berth:berth
        if dry; then
            echo "would write /etc/berth/$svc/.env (0600 berth) if it differs"
            continue
        fi
        service_env "$svc" "$db_host" "$db_port" | put_file "/etc/berth/$svc/.env" 0600 berth:berth
        if [ "$PUT_CHANGED" = 1 ]; then eval "restart_$svc=1"; fi
    done
    local units=(berth@.service berth-kafka.service berth.target berth@provisioner.service.d/berth.conf
        berth@backup.service.d/berth.conf berth@gateway.service.d/berth.conf berth-catalog-backup.service
        berth-catalog-backup.timer)
    # --no-podman: no Podman service at all (what wants it, berth.target and the provisioner, does without).
    [ "${BERTH_WITH_PODMAN:-1}" = 1 ] && units+=(berth-podman.socket berth-podman.service)
    for unit in "${units[@]}"; do
        put_file "/etc/systemd/system/$unit" 0644 root:root <"$BERTH_SRC/deploy/systemd/$unit"
        [ "$PUT_CHANGED" = 1 ] && restart_all=1
    done
    if [ "${BERTH_WITH_PODMAN:-1}" != 1 ]; then
        for unit in berth-podman.socket berth-podman.service; do
            [ -e "/etc/systemd/system/$unit" ] || continue
            act systemctl disable --now --quiet "$unit"
            act rm -f "/etc/systemd/system/$unit"
            restart_all=1
        done
    fi
    if [ "$restart_all" = 1 ]; then act systemctl daemon-reload; fi
    if ! systemctl is-enabled --quiet berth.target 2>/dev/null; then act systemctl enable --quiet berth.target; fi
    if [ "${BERTH_WITH_PODMAN:-1}" = 1 ]; then ensure_running berth-podman.socket; fi
    ensure_running berth-catalog-backup.timer
}

# Calls a service directly with the internal token in $TOKEN (mint_token): the scripts' way to the APIs.
service_api() {
    curl -fsS --max-time 30 -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' "$@"
}

# Waits up to SECONDS for every service's readiness check; prints each one's outcome.
await_services() {
    local urls=() svc
    for svc in "${BERTH_SERVICES[@]}"; do
        urls+=("$svc-service=http://127.0.0.1:$(service_port "$svc")/q/health/ready")
    done
    "$BERTH_OPT/current/bin/berth-tool" await-ready "$1" "${urls[@]}"
}

start_services() {
    local svc restart var
    for svc in "${BERTH_SERVICES[@]}"; do
        var="restart_$svc"
        restart=${!var:-0}
        [ "${BERTH_RESTART_SERVICES:-0}" = 1 ] && restart=1
        ensure_running "berth@$svc.service" "$restart"
    done
    dry && return
    say "waiting for the services to be ready …"
    await_services "${BERTH_START_TIMEOUT:-240}" \
        || die "not every service became ready: systemctl status 'berth@*'; journalctl -u 'berth@*' -n 100"
    # The first dump of the catalogs (then daily, berth-catalog-backup.timer), once the services made their schemas.
    if [ -z "$(ls -A /var/backups/berth/catalogs 2>/dev/null)" ]; then
        changed
        BERTH_PG_PORT=$BERTH_PG_PORT "$BERTH_OPT/current/install/catalog-backup.sh"
    fi
}

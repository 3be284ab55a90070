#!/usr/bin/env bats
# install.sh --dry-run on this machine, for Debian and (through another os-release) for RHEL/Rocky 9: it prints
# every action and changes nothing. The RHEL path can only be dry-run here (no dnf, no SELinux).
# Needs root and a built source tree (the release step checks for the services' jars).

setup() {
    ROOT=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)
    # A port no cluster of this machine uses, so the dry run goes past PostgreSQL's checks.
    export BERTH_PG_PORT=5439 TMPDIR=$BATS_TEST_TMPDIR
}

# What a real run would change: users, Berth's directories, units, fstab, PostgreSQL's and PgBouncer's config.
host_state() {
    {
        getent passwd berth berth-kafka || true
        getent group berth-podman || true
        ls -la /etc/berth /opt/berth /var/backups/berth /etc/systemd/system/berth* 2>&1 || true
        sha256sum /etc/fstab /etc/pgbouncer/pgbouncer.ini /etc/postgresql-common/createcluster.d/* 2>&1 || true
        ls /etc/postgresql/*/ 2>&1 || true
    } | sha256sum
}

@test "a Debian dry run prints every step's actions, changes nothing, and logs to a file" {
    before=$(host_state)
    run "$ROOT/install/install.sh" --dry-run --single-disk
    [ "$status" -eq 0 ]
    [[ "$output" == *"step 7/7: services"* ]]
    [[ "$output" == *"would run: useradd --system"*" berth"* ]]
    [[ "$output" == *"would run: pg_createcluster --port 5439 --datadir /var/lib/berth/postgresql/15/berth"* ]]
    [[ "$output" == *"would write: /etc/postgresql/15/berth/pg_hba.conf"* ]]
    [[ "$output" == *"would write: /etc/pgbouncer/pgbouncer.ini"* ]]
    [[ "$output" == *"would write: /etc/systemd/system/berth@.service"* ]]
    [[ "$output" == *"would run: systemctl start berth@gateway.service"* ]]
    [[ "$output" == *"dry run done:"*"actions above would be taken"* ]]
    log=$(sed -n 's/^berth-install: log: //p' <<<"$output")
    [ -s "$log" ]
    [ "$(stat -c %a "$log")" = 600 ]
    [ "$(host_state)" = "$before" ]
}

@test "a dry run on a single-disk host without --single-disk stops at the disk step with the reason" {
    before=$(host_state)
    run env BERTH_DISK_SCOPE=/dev/nonexistent "$ROOT/install/install.sh" --dry-run
    [ "$status" -eq 1 ]
    [[ "$output" == *"only one disk"* ]]
    [[ "$output" != *"step 3/7"* ]]
    [ "$(host_state)" = "$before" ]
}

@test "a RHEL/Rocky 9 dry run takes the dnf path with SELinux contexts for the data directory" {
    printf 'ID="rocky"\nVERSION_ID="9.4"\nID_LIKE="rhel centos fedora"\n' >"$BATS_TEST_TMPDIR/os-release"
    before=$(host_state)
    run env BERTH_OS_RELEASE="$BATS_TEST_TMPDIR/os-release" "$ROOT/install/install.sh" --dry-run --single-disk
    [ "$status" -eq 0 ]
    [[ "$output" == *"system: rocky 9.4 (dnf)"* ]]
    [[ "$output" == *"would run: dnf install -y -q"*"postgresql-server"* ]]
    [[ "$output" == *"would run: semanage fcontext -a -t postgresql_db_t /var/lib/berth/postgresql(/.*)?"* ]]
    [[ "$output" == *"would run: restorecon -R /var/lib/berth/postgresql"* ]]
    [[ "$output" == *"would run: postgresql-setup --initdb"* ]] || [[ "$output" == *"postgresql-setup --initdb"* ]]
    [ "$(host_state)" = "$before" ]
}

@test "an old or unknown system is refused before anything happens" {
    printf 'ID="debian"\nVERSION_ID="11"\n' >"$BATS_TEST_TMPDIR/os-release"
    run env BERTH_OS_RELEASE="$BATS_TEST_TMPDIR/os-release" "$ROOT/install/install.sh" --dry-run --single-disk
    [ "$status" -eq 1 ]
    [[ "$output" == *"Debian 11 is too old"* ]]
    printf 'ID="arch"\n' >"$BATS_TEST_TMPDIR/os-release"
    run env BERTH_OS_RELEASE="$BATS_TEST_TMPDIR/os-release" "$ROOT/install/install.sh" --dry-run --single-disk
    [ "$status" -eq 1 ]
    [[ "$output" == *"unsupported system 'arch"* ]]
}

@test "bad options are refused with the usage" {
    run "$ROOT/install/install.sh" --dry-run --fs btrfs
    [ "$status" -eq 1 ]
    [[ "$output" == *"--fs: ext4 or xfs"* ]]
    run "$ROOT/install/install.sh" --dry-run --ssl-cert /etc/hostname
    [ "$status" -eq 1 ]
    [[ "$output" == *"--ssl-cert and --ssl-key go together"* ]]
    run "$ROOT/install/install.sh" --dry-run --external-postgres 'postgresql://admin:secret@db:5432/postgres'
    [ "$status" -eq 1 ]
    [[ "$output" == *"leave the password out of the URL"* ]]
}

@test "Berth in containers on a Podman without Quadlet (Debian 12's 4.3): refused with the way that works, nothing made" {
    if [ -x /usr/libexec/podman/quadlet ]; then skip "this Podman has Quadlet (install/test/quadlet.sh covers it)"; fi
    # Its secrets by name (the Maven tests running alongside make and remove secrets of their own meanwhile).
    quadlet_secrets() { podman secret ls --format '{{.Name}}' | grep -E '^berth-(postgres-admin|db-|kafka-|internal-)' || true; }
    [ -z "$(quadlet_secrets)" ] || skip "this host has Berth's Quadlet secrets (an install in containers)"
    before=$(host_state)
    run "$ROOT/deploy/podman/install.sh" --dry-run --no-build
    [ "$status" -eq 1 ]
    [[ "$output" == *"has no Quadlet generator (Podman 4.6 or newer has): on Debian 12 use install/install.sh"* ]]
    [ "$(host_state)" = "$before" ]
    [ -z "$(quadlet_secrets)" ]
    [ ! -e /etc/containers/systemd/berth ]
}

#!/usr/bin/env bats
# What install/lib/services.sh writes into each service's .env: here, where the catalogs are. The secrets' files are
# replaced by a function that names the file it would read.

setup() {
    ROOT=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)
    # shellcheck source=../lib/services.sh
    . "$ROOT/install/lib/services.sh"
    secret() { echo "secret-of-$(basename "$1")"; }
    BERTH_KAFKA_PORT=9092 BERTH_POOLER_PORT=6432
}

@test "a local server: its address as it is, in the catalog URL and as the default instance" {
    run service_env registry 127.0.0.1 5432
    [[ "$output" == *$'\nBERTH_DB_HOST=127.0.0.1\n'* ]]
    [[ "$output" == *$'\nBERTH_INSTANCE_HOST=127.0.0.1\n'* ]]
    [[ "$output" == *$'\nBERTH_DB_PASSWORD=secret-of-berth_registry.password\n'* ]]
}

@test "an external server by IPv6 address: in brackets in the services' connection URLs, bare for the instance" {
    run service_env provisioner 2001:db8::5 5432
    # Quarkus builds postgresql://${BERTH_DB_HOST}:${BERTH_DB_PORT}/… from it: an address with colons needs brackets.
    [[ "$output" == *$'\nBERTH_DB_HOST=[2001:db8::5]\n'* ]]
    # The provisioner connects to the default instance by host and port (no URL), and apps' URLs bracket it themselves.
    [[ "$output" == *$'\nBERTH_INSTANCE_HOST=2001:db8::5\n'* ]]
}

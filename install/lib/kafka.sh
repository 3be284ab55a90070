# shellcheck shell=bash
# Kafka: one KRaft node (broker and controller) from the jars Berth's build fetched from Maven Central, listening on
# 127.0.0.1 only, every listener authenticated:
#   CLIENT     127.0.0.1:9092  SASL_PLAINTEXT, SCRAM-SHA-512  the services' login "berth" (made through the Admin API)
#   BROKER     127.0.0.1:9094  SASL_PLAINTEXT, PLAIN          the broker's own inter-broker login
#   CONTROLLER 127.0.0.1:9093  SASL_PLAINTEXT, PLAIN          the same login (the controller cannot use SCRAM: its
#                                                              credentials live in the metadata it serves)
# The broker's config holds its own password and is 0600 berth-kafka; the services' password is in their .env files.

BERTH_KAFKA_PORT=${BERTH_KAFKA_PORT:-9092}
# Where the services' listener listens and what it tells clients: 127.0.0.1 on a host; in Berth's container
# (deploy/podman) 0.0.0.0 and the container's name on Berth's network.
BERTH_KAFKA_CLIENT_HOST=${BERTH_KAFKA_CLIENT_HOST:-127.0.0.1}
BERTH_KAFKA_ADVERTISED_HOST=${BERTH_KAFKA_ADVERTISED_HOST:-$BERTH_KAFKA_CLIENT_HOST}

kafka_server_properties() {
    local data=$1 broker_password=$2
    local plain="org.apache.kafka.common.security.plain.PlainLoginModule required username=\"broker\" password=\"$broker_password\" user_broker=\"$broker_password\";"
    cat <<EOF
# Written by Berth's installer (install/lib/kafka.sh); a rerun rewrites it. Holds the broker's password: 0600.
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$((BERTH_KAFKA_PORT + 1))
listeners=CLIENT://$BERTH_KAFKA_CLIENT_HOST:$BERTH_KAFKA_PORT,CONTROLLER://127.0.0.1:$((BERTH_KAFKA_PORT + 1)),BROKER://127.0.0.1:$((BERTH_KAFKA_PORT + 2))
advertised.listeners=CLIENT://$BERTH_KAFKA_ADVERTISED_HOST:$BERTH_KAFKA_PORT,BROKER://127.0.0.1:$((BERTH_KAFKA_PORT + 2))
listener.security.protocol.map=CLIENT:SASL_PLAINTEXT,CONTROLLER:SASL_PLAINTEXT,BROKER:SASL_PLAINTEXT
controller.listener.names=CONTROLLER
inter.broker.listener.name=BROKER
sasl.mechanism.inter.broker.protocol=PLAIN
sasl.mechanism.controller.protocol=PLAIN
listener.name.client.sasl.enabled.mechanisms=SCRAM-SHA-512
listener.name.client.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;
listener.name.broker.sasl.enabled.mechanisms=PLAIN
listener.name.broker.plain.sasl.jaas.config=$plain
listener.name.controller.sasl.enabled.mechanisms=PLAIN
listener.name.controller.plain.sasl.jaas.config=$plain
log.dirs=$data
num.partitions=3
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=false
# The log cleaner otherwise holds a 128 MiB dedupe buffer on the heap: 8 MiB is ~350,000 keys per pass.
log.cleaner.dedupe.buffer.size=8388608
EOF
}

# The admin client's settings for kafka-setup: the broker's own login on the BROKER listener.
kafka_admin_properties() {
    cat <<EOF
bootstrap.servers=127.0.0.1:$((BERTH_KAFKA_PORT + 2))
security.protocol=SASL_PLAINTEXT
sasl.mechanism=PLAIN
sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username="broker" password="$1";
EOF
}

# The broker's own password (root only: it goes into the broker's config) and the services' login.
kafka_secrets() {
    ensure_secret /etc/berth/secrets/kafka-broker.password root:root
    ensure_secret /etc/berth/secrets/kafka-berth.password berth:berth
}

setup_kafka() {
    local release=$1 data=$2 restart=0 conf=/etc/berth/kafka
    put_dir "$conf" 0750 berth-kafka:berth-kafka
    put_dir "$data" 0750 berth-kafka:berth-kafka
    if dry; then
        echo "would write $conf/server.properties (0600 berth-kafka) and format $data for KRaft"
        changed
    else
        kafka_server_properties "$data" "$(secret /etc/berth/secrets/kafka-broker.password)" \
            | put_file "$conf/server.properties" 0600 berth-kafka:berth-kafka
        [ "$PUT_CHANGED" = 1 ] && restart=1
        kafka_admin_properties "$(secret /etc/berth/secrets/kafka-broker.password)" \
            | put_file "$conf/admin.properties" 0600 root:root
        if [ ! -f "$data/meta.properties" ]; then
            local id
            id=$(runuser -u berth-kafka -- java -cp "$release/kafka/lib/*" kafka.tools.StorageTool random-uuid | tail -1)
            act runuser -u berth-kafka -- java -cp "$release/kafka/lib/*" kafka.tools.StorageTool format -t "$id" \
                -c "$conf/server.properties" >/dev/null
        fi
    fi
    ensure_running berth-kafka.service "$restart"
    dry && return
    await_port 127.0.0.1 $((BERTH_KAFKA_PORT + 2)) 90 || die "Kafka did not start; see journalctl -u berth-kafka"
    local out
    out=$("$release/bin/berth-tool" kafka-setup --admin-config "$conf/admin.properties" --user berth \
        --password-file /etc/berth/secrets/kafka-berth.password)
    if [ -n "$out" ]; then
        changed
        echo "$out"
    fi
}

await_port() {
    local host=$1 port=$2 seconds=$3 _
    for _ in $(seq 1 $((seconds * 2))); do
        (exec 3<>"/dev/tcp/$host/$port") 2>/dev/null && return 0
        sleep 0.5
    done
    return 1
}

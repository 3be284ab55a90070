package dev.berth.contracts.catalog;

/** The labels Berth reads and sets on containers. */
public final class ContainerLabels {

    /** Which Berth made or admitted the container ({@code berth.containers.owner}); the watcher follows these. */
    public static final String OWNER = "berth.owner";
    /** On a dedicated instance's container: the instance's id. */
    public static final String INSTANCE = "berth.instance";
    /** On a dedicated instance's container: its engine ({@code postgresql}, {@code mariadb}, …). */
    public static final String ENGINE = "berth.engine";
    /** The app the container belongs to. */
    public static final String APP = "berth.app";
    /**
     * On create through the hook: {@code none} opts out of detection, a database id binds that database. On the
     * created container: the id of the database bound to it.
     */
    public static final String DATABASE = "berth.database";
    /** docker-compose's labels: the project and the service a container is a replica of. */
    public static final String COMPOSE_PROJECT = "com.docker.compose.project";
    public static final String COMPOSE_SERVICE = "com.docker.compose.service";
    /** The value of {@link #DATABASE} that opts a container out. */
    public static final String NO_DATABASE = "none";

    private ContainerLabels() {
    }
}

package dev.berth.registry.domain;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.OffsetDateTime;
import java.util.UUID;

/** A database server Berth can create databases on. Its admin password is held by the provisioner's vault. */
@Entity
@Table(name = "instances")
public class Instance {

    @Id
    public UUID id;

    public String name;

    public String engine;

    public String host;

    public int port;

    @Column(name = "admin_user")
    public String adminUser;

    public String status;

    @Column(name = "is_shared")
    public boolean shared;

    /** A server Berth runs in a container (else the default or an external one). */
    public boolean dedicated;

    public String environment;

    public String container;

    public String image;

    public String version;

    @Column(name = "host_port")
    public Integer hostPort;

    @Column(name = "memory_bytes")
    public Long memoryBytes;

    public Double cpus;

    @Column(name = "made_for_app")
    public UUID madeForApp;

    @Column(name = "status_detail")
    public String statusDetail;

    @Column(name = "updated_at", insertable = false, updatable = false)
    public OffsetDateTime updatedAt;

    @Column(name = "created_at", insertable = false, updatable = false)
    public OffsetDateTime createdAt;
}

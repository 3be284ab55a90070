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

    @Column(name = "created_at", insertable = false, updatable = false)
    public OffsetDateTime createdAt;
}

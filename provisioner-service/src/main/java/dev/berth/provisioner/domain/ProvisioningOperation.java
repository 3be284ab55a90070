package dev.berth.provisioner.domain;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.OffsetDateTime;
import java.util.UUID;

/** One side effect the provisioner carried out (or is carrying out), with its persisted phase. */
@Entity
@Table(name = "provisioning_operations")
public class ProvisioningOperation {

    @Id
    public UUID id;

    public String kind;

    public String target;

    public String phase;

    @Column(name = "started_at")
    public OffsetDateTime startedAt;

    @Column(name = "finished_at")
    public OffsetDateTime finishedAt;

    public String error;
}

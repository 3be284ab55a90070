package dev.berth.gateway.domain;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.OffsetDateTime;
import java.util.UUID;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/** One event any Berth service announced, as the dashboard's activity feed shows it. */
@Entity
@Table(name = "activity")
public class ActivityEntry {

    @Id
    @Column(name = "event_id")
    public UUID eventId;

    /** Increasing with each entry recorded: the live stream's event id ({@code Last-Event-ID}). */
    @Column(insertable = false, updatable = false)
    public Long seq;

    public String type;

    public String subject;

    public String source;

    @Column(name = "occurred_at")
    public OffsetDateTime occurredAt;

    @JdbcTypeCode(SqlTypes.JSON)
    public String data;
}

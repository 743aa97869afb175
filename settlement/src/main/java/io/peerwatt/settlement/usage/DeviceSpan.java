package io.peerwatt.settlement.usage;

import java.time.Instant;

/**
 * When a gateway spoke for its metering point: from its enrolment until it was revoked or replaced
 * by a rotated key, as settlement counts it ({@code JdbcSettlementInputs}).
 *
 * @param deviceId the gateway
 * @param enrolledAt its enrolment
 * @param until when it was revoked or its successor enrolled, or null while it speaks
 */
record DeviceSpan(long deviceId, Instant enrolledAt, Instant until) {
  /** Whether it spoke for the point during {@code [start, end)}. */
  boolean spokeDuring(Instant start, Instant end) {
    return enrolledAt.isBefore(end) && (until == null || until.isAfter(start));
  }
}

package io.peerwatt.settlement.flex;

import java.time.Instant;

/**
 * A household's binding acceptance of a flexibility request, with the request's terms.
 *
 * @param id the acceptance
 * @param requestId its request
 * @param eventId the grid operator's OpenADR event the request came from
 * @param zoneCode the request's zone
 * @param deviceId the home's controllable device
 * @param accountId the household
 * @param direction {@code REDUCE_IMPORT} or {@code REDUCE_EXPORT}
 * @param watts the accepted change of the home's consumption, W
 * @param pricePerKwh the request's price, 0.001 ct per kWh of flexibility
 * @param startsAt the request's first slot
 * @param endsAt the end of its last slot
 */
public record Acceptance(
    long id,
    long requestId,
    String eventId,
    String zoneCode,
    long deviceId,
    long accountId,
    String direction,
    long watts,
    long pricePerKwh,
    Instant startsAt,
    Instant endsAt) {

  /** The request is to reduce import (else export). */
  public boolean reducesImport() {
    return direction.equals("REDUCE_IMPORT");
  }
}

package io.peerwatt.webui;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

class GrantUsageTest {
  private static final JsonObject GRANT =
      new JsonObject()
          .put("id", 3)
          .put("applicationId", 5)
          .put("accountId", 70)
          .put("priceMilliCtPerHomeDay", 2_000);

  private static JsonObject access(String kind, String from, String to) {
    return new JsonObject().put("kind", kind).put("periodFrom", from).put("periodTo", to);
  }

  @Test
  void eachDayOfDataCountsOnceAndProofsNone() {
    JsonArray log =
        new JsonArray()
            // two whole days, then the second of them again as ESPI
            .add(access("readings", "2026-11-24T00:00:00Z", "2026-11-26T00:00:00Z"))
            .add(access("espi", "2026-11-25T00:00:00Z", "2026-11-26T00:00:00Z"))
            // an hour of a third day
            .add(access("readings", "2026-11-27T10:00:00Z", "2026-11-27T11:00:00Z"))
            .add(access("proof", "2026-11-28T10:00:00Z", "2026-11-28T10:00:00Z"));
    GrantUsage usage = GrantUsage.of(GRANT, log);
    assertThat(usage.fetches()).isEqualTo(4);
    assertThat(usage.days()).isEqualTo(3);
    assertThat(usage.dueMilliCt()).isEqualTo(6_000);
  }

  @Test
  void aHouseholdHasOnePseudonymPerApplication() {
    assertThat(GrantUsage.pseudonym(5, 70))
        .matches("H-[0-9a-f]{8}")
        .isEqualTo(GrantUsage.pseudonym(5, 70))
        .isNotEqualTo(GrantUsage.pseudonym(6, 70))
        .isNotEqualTo(GrantUsage.pseudonym(5, 71));
  }
}

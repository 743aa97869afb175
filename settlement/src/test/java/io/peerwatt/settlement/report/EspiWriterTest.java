package io.peerwatt.settlement.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.peerwatt.protocol.statement.LineKind;
import io.peerwatt.settlement.usage.PointUsage;
import io.peerwatt.settlement.usage.SlotUsage;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EspiWriterTest {
  private static final Instant FROM = Instant.parse("2026-11-25T10:00:00Z");

  private static EspiFeed feed(ZoneId zone) {
    PointUsage traded =
        new PointUsage(
            7,
            70,
            "roof",
            List.of(
                new SlotUsage(FROM, 120, 0, false, false),
                new SlotUsage(FROM.plusSeconds(900), 80, 15, true, false),
                new SlotUsage(FROM.plusSeconds(1800), 0, 0, false, true)));
    PointUsage neverTraded =
        new PointUsage(
            8,
            80,
            "flat",
            List.of(
                new SlotUsage(FROM, 300, 0, false, false),
                new SlotUsage(FROM.plusSeconds(900), 310, 0, false, false),
                new SlotUsage(FROM.plusSeconds(1800), 305, 0, false, false)));
    return new EspiFeed(
        "zone DE-1",
        FROM,
        FROM.plusSeconds(2700),
        zone,
        "EUR",
        List.of(
            new EspiFeed.Point(
                traded, Map.of(LineKind.ENERGY_PURCHASE, -3_000L, LineKind.GRID_FEE, -240L)),
            new EspiFeed.Point(neverTraded, Map.of())));
  }

  @Test
  void aFeedWithATradedAndANeverTradedHomeIsValidEspi() {
    byte[] xml = EspiWriter.write(feed(ZoneId.of("Europe/Berlin")));
    assertThat(EspiSchema.errors(xml)).isEmpty();
    String text = new String(xml, StandardCharsets.UTF_8);
    assertThat(text)
        .contains("<espi:dstStartRule>3E0E2000</espi:dstStartRule>")
        .contains("<espi:dstEndRule>AE0E3000</espi:dstEndRule>")
        .contains("<espi:tzOffset>3600</espi:tzOffset>")
        .contains("<espi:dstOffset>3600</espi:dstOffset>")
        .contains("Metering point 8 (flat)")
        // the household pays 30.24 ct: ESPI bills in hundred-thousandths of the currency
        .contains("<espi:billLastPeriod>3240</espi:billLastPeriod>")
        .contains("<espi:currency>978</espi:currency>")
        .contains("<espi:quality>9</espi:quality>");
    // the slot without metering is left out: 2 import + 2 export readings for point 7, 3 + 3 for 8
    assertThat(text.split("<espi:IntervalReading>", -1)).hasSize(1 + 4 + 6);
    assertThat(EspiWriter.write(feed(ZoneId.of("Europe/Berlin")))).isEqualTo(xml);
  }

  @Test
  void aZoneWithoutDaylightSavingTimeHasRulesThatNeverApply() {
    byte[] xml = EspiWriter.write(feed(ZoneId.of("Asia/Kolkata")));
    assertThat(EspiSchema.errors(xml)).isEmpty();
    assertThat(new String(xml, StandardCharsets.UTF_8))
        .contains("<espi:tzOffset>19800</espi:tzOffset>")
        .contains("<espi:dstOffset>0</espi:dstOffset>");
  }

  @Test
  void theSchemaCatchesWhatAReaderWouldRefuse() {
    String ok =
        new String(EspiWriter.write(feed(ZoneId.of("Europe/Berlin"))), StandardCharsets.UTF_8);
    assertThat(
            EspiSchema.errors(
                ok.replaceAll("<espi:statusTimeStamp>\\d+</espi:statusTimeStamp>", "")
                    .getBytes(StandardCharsets.UTF_8)))
        .isNotEmpty();
    assertThat(
            EspiSchema.errors(
                ok.replace("<espi:value>120</espi:value>", "<espi:value>12.5</espi:value>")
                    .getBytes(StandardCharsets.UTF_8)))
        .isNotEmpty();
  }

  @Test
  void usTransitionsAreTheSecondSundayOfMarchAndTheFirstOfNovember() {
    var rules = ZoneId.of("America/New_York").getRules().getTransitionRules();
    // March, Sunday on or after the 8th, 02:00 local; November, Sunday on or after the 1st, 02:00
    assertThat(EspiWriter.dstRule(rules.get(0))).isEqualTo("328E2000");
    assertThat(EspiWriter.dstRule(rules.get(1))).isEqualTo("B21E2000");
  }
}

package io.peerwatt.settlement;

import static org.assertj.core.api.Assertions.assertThat;

import io.peerwatt.db.testing.PostgresExtension;
import io.peerwatt.http.DataGrantTokens.GrantAccess;
import io.peerwatt.protocol.DeliverySlot;
import io.peerwatt.settlement.report.EspiSchema;
import io.peerwatt.settlement.report.EspiWriter;
import io.peerwatt.settlement.share.GrantedData;
import io.peerwatt.settlement.usage.JdbcUsageSource;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jooq.DSLContext;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A grant's Green Button feed on real PostgreSQL: exactly the granted resolution and directions,
 * the same interval energy as the JSON delivery, money only with statements, valid ESPI.
 */
@ExtendWith(PostgresExtension.class)
class GrantedDataEspiTest {
  static final String ZONE = "DE-ESPI-1";
  static final Instant DAY = Instant.parse("2026-11-24T00:00:00Z");
  static long anna;

  @BeforeAll
  static void readings(DSLContext db) {
    MarketRows.zone(db, ZONE, "espi grant test zone");
    anna = MarketRows.account(db, ZONE, "anna-espi");
    long device = MarketRows.device(db, anna, ZONE, DeliverySlot.containing(DAY), 41);
    // a reading every 15 minutes over two days: 25 Wh import and 10 Wh export per quarter-hour
    int sequence = 1;
    for (Instant t = DAY; !t.isAfter(DAY.plus(Duration.ofDays(2))); t = t.plusSeconds(900)) {
      MarketRows.reading(db, device, sequence, t, 25L * sequence, 10L * sequence);
      sequence++;
    }
  }

  private static GrantedData data(DSLContext db) {
    return new GrantedData(
        db, new JdbcUsageSource(db, Duration.ofMinutes(30)), new SettlementViews(db));
  }

  private static GrantAccess grant(
      String resolution, boolean importData, boolean exportData, boolean statements) {
    return new GrantAccess(
        7, anna, resolution, importData, exportData, statements, DAY, DAY.plus(Duration.ofDays(2)));
  }

  @Test
  void anHourlyImportGrantGetsHourlyImportOnlyWithoutMoney(DSLContext db) {
    GrantedData data = data(db);
    GrantAccess grant = grant("hourly", true, false, false);
    Instant[] period = GrantedData.period(grant, DAY, DAY.plus(Duration.ofDays(1)));
    GrantedData.Delivery delivery = data.deliver(grant, period[0], period[1]);
    byte[] xml = EspiWriter.write(data.espi(grant, delivery));

    assertThat(EspiSchema.errors(xml)).isEmpty();
    String text = new String(xml, StandardCharsets.UTF_8);
    assertThat(text)
        .contains("<espi:intervalLength>3600</espi:intervalLength>")
        .contains("<espi:flowDirection>1</espi:flowDirection>")
        .doesNotContain("<espi:flowDirection>19</espi:flowDirection>")
        .doesNotContain("UsageSummary")
        .doesNotContain("<espi:currency>");
    assertThat(text.split("<espi:MeterReading", -1)).hasSize(2);
    assertThat(text.split("<espi:ReadingType>", -1)).hasSize(2);
    // the same hourly energy as the JSON delivery: 4 quarter-hours of 25 Wh each
    List<Long> json = new ArrayList<>();
    delivery.points().get(0).intervals().forEach(i -> json.add(i.importWh()));
    assertThat(json).hasSize(24).containsOnly(100L);
    assertThat(values(text)).isEqualTo(json);
    assertThat(durations(text)).containsOnly(3600L);
  }

  @Test
  void aDailyGrantWithBothDirectionsAndStatementsGetsBothReadingsAndTheSummary(DSLContext db) {
    GrantedData data = data(db);
    GrantAccess grant = grant("daily", true, true, true);
    Instant[] period = GrantedData.period(grant, null, null);
    byte[] xml = EspiWriter.write(data.espi(grant, data.deliver(grant, period[0], period[1])));

    assertThat(EspiSchema.errors(xml)).isEmpty();
    String text = new String(xml, StandardCharsets.UTF_8);
    assertThat(text)
        .contains("<espi:intervalLength>86400</espi:intervalLength>")
        .contains("<espi:flowDirection>1</espi:flowDirection>")
        .contains("<espi:flowDirection>19</espi:flowDirection>")
        .contains("<espi:UsageSummary>")
        .contains("<espi:currency>978</espi:currency>");
    // two days of import (96 x 25 Wh) then two of export (96 x 10 Wh), then the summary's import
    assertThat(values(text)).containsExactly(2_400L, 2_400L, 960L, 960L, 4_800L);
  }

  @Test
  void theFeedOfAnExportGrantAtQuarterHoursHasNoImport(DSLContext db) {
    GrantedData data = data(db);
    GrantAccess grant = grant("15min", false, true, false);
    Instant[] period = GrantedData.period(grant, DAY, DAY.plus(Duration.ofHours(2)));
    String text =
        new String(
            EspiWriter.write(data.espi(grant, data.deliver(grant, period[0], period[1]))),
            StandardCharsets.UTF_8);
    assertThat(EspiSchema.errors(text.getBytes(StandardCharsets.UTF_8))).isEmpty();
    assertThat(text)
        .contains("<espi:intervalLength>900</espi:intervalLength>")
        .doesNotContain("<espi:flowDirection>1</espi:flowDirection>")
        .doesNotContain("1-0:1.8.0");
    assertThat(values(text)).hasSize(8).containsOnly(10L);
  }

  private static List<Long> values(String xml) {
    return numbers(xml, "value");
  }

  private static List<Long> durations(String xml) {
    List<Long> all = numbers(xml, "duration");
    // the first duration is the interval block's: the whole period
    return all.subList(1, all.size());
  }

  private static List<Long> numbers(String xml, String element) {
    List<Long> out = new ArrayList<>();
    Matcher m = Pattern.compile("<espi:" + element + ">(\\d+)</espi:" + element + ">").matcher(xml);
    while (m.find()) {
      out.add(Long.parseLong(m.group(1)));
    }
    return out;
  }
}

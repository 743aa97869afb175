package io.peerwatt.settlement.report;

import io.peerwatt.protocol.statement.LineKind;
import io.peerwatt.settlement.usage.SlotUsage;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.zone.ZoneOffsetTransitionRule;
import java.time.zone.ZoneRules;
import java.util.Currency;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;

/**
 * Writes an {@link EspiFeed} as a Green Button (NAESB REQ.21 ESPI 4.0) Atom feed, valid against the
 * ESPI and Atom schemas: one {@code LocalTimeParameters} entry for the zone's time zone; per
 * metering point a {@code UsagePoint}, for import (OBIS 1-0:1.8.0, {@code flowDirection} 1) and
 * export (1-0:2.8.0, 19) a {@code MeterReading} with its {@code ReadingType} (Wh per 15 minutes:
 * {@code uom} 72, {@code accumulationBehaviour} 4 delta, {@code commodity} 1, {@code timeAttribute}
 * 2) and one {@code IntervalBlock} (an {@code IntervalReading} per measured quarter-hour, start in
 * Unix seconds; interpolated ones carry {@code ReadingQuality} 9, slots without metering are left
 * out), and a {@code UsageSummary} (the period's import and the account's statement money line by
 * line, in hundred-thousandths of the currency: PeerWatt's milli-cent).
 *
 * <p>Deterministic: ids are name-based UUIDs and every timestamp is the period's end, so the same
 * feed always has the same bytes (and SHA-256).
 */
public final class EspiWriter {
  static final String ATOM = "http://www.w3.org/2005/Atom";
  static final String ESPI = "http://naesb.org/espi";
  private static final String BASE = "/espi/1_1/resource";
  private static final long SLOT_SECONDS = 900;

  private EspiWriter() {}

  /** The feed as UTF-8 XML. */
  public static byte[] write(EspiFeed feed) {
    StringWriter out = new StringWriter();
    try {
      new Feed(feed, XMLOutputFactory.newFactory().createXMLStreamWriter(out)).write();
    } catch (XMLStreamException e) {
      throw new IllegalStateException("writing ESPI XML", e);
    }
    return out.toString().getBytes(StandardCharsets.UTF_8);
  }

  /**
   * The ESPI {@code DstRuleType} of a yearly transition: bits 28-31 month, 25-27 the operator (0 a
   * day of the month, 1 a weekday on or after it, 7 the last weekday of the month), 20-24 the day
   * of the month, 17-19 the weekday (1 Monday .. 7 Sunday), 12-16 the hour and 0-11 the seconds, of
   * the local time (before the change) at which the clocks change. {@code 3E0E2000} is "last Sunday
   * of March, 02:00".
   */
  static String dstRule(ZoneOffsetTransitionRule rule) {
    int month = rule.getMonth().getValue();
    int day = rule.getDayOfMonthIndicator();
    int operator;
    int dayOfMonth;
    if (rule.getDayOfWeek() == null) {
      operator = 0;
      dayOfMonth = day;
    } else if (day < 0 || day + 6 == rule.getMonth().maxLength()) {
      // the weekday on or after the last seven days' first is the month's last such weekday
      operator = 7;
      dayOfMonth = 0;
    } else {
      operator = 1;
      dayOfMonth = day;
    }
    int weekday = rule.getDayOfWeek() == null ? 0 : rule.getDayOfWeek().getValue();
    // the local wall-clock time at which the clocks change (03:00 for the end of CEST)
    int seconds = rule.isMidnightEndOfDay() ? 24 * 3600 : rule.getLocalTime().toSecondOfDay();
    int clockOffset =
        switch (rule.getTimeDefinition()) {
          case UTC -> 0;
          case STANDARD -> rule.getStandardOffset().getTotalSeconds();
          case WALL -> rule.getOffsetBefore().getTotalSeconds();
        };
    seconds = seconds - clockOffset + rule.getOffsetBefore().getTotalSeconds();
    int hour = Math.floorDiv(seconds, 3600);
    int rest = Math.floorMod(seconds, 3600);
    long value =
        ((long) month << 28)
            | ((long) operator << 25)
            | ((long) dayOfMonth << 20)
            | ((long) weekday << 17)
            | ((long) hour << 12)
            | rest;
    return String.format("%08X", value);
  }

  private static final class Feed {
    private final EspiFeed feed;
    private final XMLStreamWriter x;
    private final String stamp;
    private final String ltp;

    Feed(EspiFeed feed, XMLStreamWriter x) {
      this.feed = feed;
      this.x = x;
      this.stamp = feed.to().toString();
      this.ltp = BASE + "/LocalTimeParameters/" + feed.timeZone().getId();
    }

    private String id(String path) {
      return "urn:uuid:"
          + UUID.nameUUIDFromBytes(
              ("peerwatt:" + feed.name() + ":" + feed.from() + ":" + feed.to() + ":" + path)
                  .getBytes(StandardCharsets.UTF_8));
    }

    void write() throws XMLStreamException {
      x.writeStartDocument("UTF-8", "1.0");
      x.writeStartElement("feed");
      x.writeDefaultNamespace(ATOM);
      x.writeNamespace("espi", ESPI);
      text(ATOM, "id", id("feed"));
      text(
          ATOM,
          "title",
          "PeerWatt Green Button data, " + feed.name() + ", " + feed.from() + "/" + feed.to());
      text(ATOM, "updated", stamp);
      link("self", BASE + "/Feed/" + id("feed").substring("urn:uuid:".length()));
      localTimeParameters();
      for (EspiFeed.Point p : feed.points()) {
        usagePoint(p);
      }
      x.writeEndElement();
      x.writeEndDocument();
      x.close();
    }

    private void localTimeParameters() throws XMLStreamException {
      ZoneRules rules = feed.timeZone().getRules();
      Instant at = feed.from();
      int standard = rules.getStandardOffset(at).getTotalSeconds();
      List<ZoneOffsetTransitionRule> transitions = rules.getTransitionRules();
      startEntry(ltp, BASE + "/LocalTimeParameters", feed.timeZone().getId(), List.of());
      x.writeStartElement("espi", "LocalTimeParameters", ESPI);
      if (transitions.size() == 2) {
        ZoneOffsetTransitionRule start = transitions.get(0);
        ZoneOffsetTransitionRule end = transitions.get(1);
        if (start.getOffsetAfter().getTotalSeconds() < start.getOffsetBefore().getTotalSeconds()) {
          // the rule that moves the clocks forward starts summer time
          ZoneOffsetTransitionRule t = start;
          start = end;
          end = t;
        }
        text(ESPI, "dstEndRule", dstRule(end));
        text(
            ESPI,
            "dstOffset",
            Integer.toString(
                start.getOffsetAfter().getTotalSeconds()
                    - start.getOffsetBefore().getTotalSeconds()));
        text(ESPI, "dstStartRule", dstRule(start));
      } else {
        // no daylight saving time: rules that never apply
        text(ESPI, "dstEndRule", "00000000");
        text(ESPI, "dstOffset", "0");
        text(ESPI, "dstStartRule", "00000000");
      }
      text(ESPI, "tzOffset", Integer.toString(standard));
      x.writeEndElement();
      endEntry();
    }

    private void usagePoint(EspiFeed.Point p) throws XMLStreamException {
      long mp = p.usage().meteringPointId();
      String up = BASE + "/Subscription/" + feed.name().replace(' ', '-') + "/UsagePoint/" + mp;
      startEntry(
          up,
          up.substring(0, up.lastIndexOf('/')),
          "Metering point " + mp + " (" + p.usage().label() + ")",
          List.of(up + "/MeterReading", up + "/UsageSummary", ltp));
      x.writeStartElement("espi", "UsagePoint", ESPI);
      x.writeStartElement("espi", "ServiceCategory", ESPI);
      text(ESPI, "kind", "0");
      x.writeEndElement();
      x.writeEndElement();
      endEntry();
      meterReading(p, up, "import", "1-0:1.8.0", 1, true);
      meterReading(p, up, "export", "1-0:2.8.0", 19, false);
      usageSummary(p, up);
    }

    private void meterReading(
        EspiFeed.Point p, String up, String name, String obis, int flow, boolean imports)
        throws XMLStreamException {
      String mr = up + "/MeterReading/" + name;
      String rt = BASE + "/ReadingType/" + p.usage().meteringPointId() + "-" + name;
      startEntry(
          mr,
          up + "/MeterReading",
          "OBIS " + obis + " (" + name + ")",
          List.of(rt, mr + "/IntervalBlock"));
      x.writeEmptyElement("espi", "MeterReading", ESPI);
      endEntry();

      startEntry(rt, BASE + "/ReadingType", "Wh per 15 minutes, " + name, List.of());
      x.writeStartElement("espi", "ReadingType", ESPI);
      text(ESPI, "accumulationBehaviour", "4");
      text(ESPI, "commodity", "1");
      String currency = currencyCode();
      if (currency != null) {
        text(ESPI, "currency", currency);
      }
      text(ESPI, "dataQualifier", "12");
      text(ESPI, "flowDirection", Integer.toString(flow));
      text(ESPI, "intervalLength", Long.toString(SLOT_SECONDS));
      text(ESPI, "kind", "12");
      text(ESPI, "powerOfTenMultiplier", "0");
      text(ESPI, "timeAttribute", "2");
      text(ESPI, "uom", "72");
      x.writeEndElement();
      endEntry();

      String ib = mr + "/IntervalBlock/" + feed.from().getEpochSecond();
      startEntry(ib, mr + "/IntervalBlock", name + " per quarter-hour", List.of());
      x.writeStartElement("espi", "IntervalBlock", ESPI);
      x.writeStartElement("espi", "interval", ESPI);
      text(ESPI, "duration", Long.toString(Duration.between(feed.from(), feed.to()).toSeconds()));
      text(ESPI, "start", Long.toString(feed.from().getEpochSecond()));
      x.writeEndElement();
      for (SlotUsage s : p.usage().slots()) {
        if (s.missing()) {
          continue;
        }
        x.writeStartElement("espi", "IntervalReading", ESPI);
        if (s.estimated()) {
          x.writeStartElement("espi", "ReadingQuality", ESPI);
          text(ESPI, "quality", "9");
          x.writeEndElement();
        }
        x.writeStartElement("espi", "timePeriod", ESPI);
        text(ESPI, "duration", Long.toString(SLOT_SECONDS));
        text(ESPI, "start", Long.toString(s.start().getEpochSecond()));
        x.writeEndElement();
        text(ESPI, "value", Long.toString(imports ? s.importWh() : s.exportWh()));
        x.writeEndElement();
      }
      x.writeEndElement();
      endEntry();
    }

    private void usageSummary(EspiFeed.Point p, String up) throws XMLStreamException {
      String us = up + "/UsageSummary/" + feed.from().getEpochSecond();
      startEntry(us, up + "/UsageSummary", "Summary of the period", List.of());
      x.writeStartElement("espi", "UsageSummary", ESPI);
      x.writeStartElement("espi", "billingPeriod", ESPI);
      text(ESPI, "duration", Long.toString(Duration.between(feed.from(), feed.to()).toSeconds()));
      text(ESPI, "start", Long.toString(feed.from().getEpochSecond()));
      x.writeEndElement();
      long bill = 0;
      Map<LineKind, Long> money = new EnumMap<>(LineKind.class);
      money.putAll(p.money());
      for (long amount : money.values()) {
        bill = Math.subtractExact(bill, amount);
      }
      // ESPI bills what the customer owes: a household's receipts are negative
      text(ESPI, "billLastPeriod", Long.toString(bill));
      for (Map.Entry<LineKind, Long> line : money.entrySet()) {
        x.writeStartElement("espi", "costAdditionalDetailLastPeriod", ESPI);
        text(ESPI, "amount", Long.toString(-line.getValue()));
        text(ESPI, "note", note(line.getKey()));
        text(ESPI, "itemKind", Integer.toString(itemKind(line.getKey())));
        x.writeEndElement();
      }
      String currency = currencyCode();
      if (currency != null) {
        text(ESPI, "currency", currency);
      }
      long importWh = 0;
      boolean complete = true;
      for (SlotUsage s : p.usage().slots()) {
        importWh = Math.addExact(importWh, s.importWh());
        complete &= !s.missing() && !s.estimated();
      }
      x.writeStartElement("espi", "overallConsumptionLastPeriod", ESPI);
      text(ESPI, "powerOfTenMultiplier", "0");
      text(ESPI, "uom", "72");
      text(ESPI, "value", Long.toString(importWh));
      x.writeEndElement();
      // 0: every quarter-hour measured; 13: mixed (some interpolated or missing)
      text(ESPI, "qualityOfReading", complete ? "0" : "13");
      text(ESPI, "statusTimeStamp", Long.toString(feed.to().getEpochSecond()));
      text(ESPI, "commodity", "1");
      x.writeEndElement();
      endEntry();
    }

    private String currencyCode() {
      try {
        return Integer.toString(Currency.getInstance(feed.currency()).getNumericCode());
      } catch (IllegalArgumentException | NullPointerException notIso) {
        return null;
      }
    }

    private void startEntry(String self, String up, String title, List<String> related)
        throws XMLStreamException {
      x.writeStartElement("entry");
      text(ATOM, "id", id(self));
      // Atom's schema wants links in runs of at least two: self and up always come together
      link("self", self);
      link("up", up);
      for (String r : related) {
        link("related", r);
      }
      text(ATOM, "title", title);
      x.writeStartElement("content");
    }

    private void endEntry() throws XMLStreamException {
      x.writeEndElement();
      text(ATOM, "published", stamp);
      text(ATOM, "updated", stamp);
      x.writeEndElement();
    }

    private void link(String rel, String href) throws XMLStreamException {
      x.writeEmptyElement("link");
      x.writeAttribute("rel", rel);
      x.writeAttribute("href", href);
    }

    private void text(String ns, String name, String value) throws XMLStreamException {
      if (ESPI.equals(ns)) {
        x.writeStartElement("espi", name, ESPI);
      } else {
        x.writeStartElement(name);
      }
      x.writeCharacters(value);
      x.writeEndElement();
    }
  }

  private static String note(LineKind kind) {
    return switch (kind) {
      case ENERGY_PURCHASE -> "energy bought from neighbours";
      case GRID_FEE -> "grid fee on energy bought from neighbours";
      case ENERGY_SALE -> "energy sold to neighbours and delivered";
      case SELLER_SHORTFALL -> "energy sold but not exported, at the imbalance price";
      case BUYER_UNDER_IMPORT -> "energy bought but not imported, credited at the imbalance price";
      case BUYER_EXCESS_IMPORT -> "import beyond what was bought, at the imbalance price";
      case FLEXIBILITY_DELIVERY -> "flexibility delivered to the grid operator";
      case DATA_PURCHASE -> "meter data bought from households";
      case DATA_SALE -> "meter data sold to a third party";
      case DATA_PLATFORM_FEE -> "platform fee on meter data sold";
    };
  }

  private static int itemKind(LineKind kind) {
    return switch (kind) {
      case ENERGY_PURCHASE, BUYER_EXCESS_IMPORT -> 3;
      case GRID_FEE -> 2;
      case ENERGY_SALE -> 6;
      case SELLER_SHORTFALL -> 1;
      case BUYER_UNDER_IMPORT, FLEXIBILITY_DELIVERY -> 7;
      case DATA_PURCHASE, DATA_PLATFORM_FEE -> 4;
      case DATA_SALE -> 8;
    };
  }
}

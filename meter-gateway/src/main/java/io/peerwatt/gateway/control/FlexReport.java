package io.peerwatt.gateway.control;

import io.peerwatt.protocol.flex.FlexAction;
import io.peerwatt.protocol.flex.FlexCommand;
import io.peerwatt.protocol.flex.SignedFlexCommand;
import io.peerwatt.protocol.reading.ReadingCodec;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The OpenADR report {@link FlexibilityAgent} posts on the outcome of a command. */
final class FlexReport {
  private FlexReport() {}

  /**
   * The report on {@code signed} (null when the event's command is unreadable) for the event that
   * carried it.
   *
   * @param soc the battery's state of charge in percent, negative when unknown
   */
  static Map<String, Object> build(
      SignedFlexCommand signed,
      String eventId,
      long appliedW,
      String operatingState,
      CommandCheck.Verdict why,
      String venName,
      String deviceId,
      double soc) {
    FlexCommand c = signed == null ? null : signed.command();
    List<Object> payloads = new ArrayList<>();
    long signedW = c != null && c.action() == FlexAction.REDUCE_IMPORT ? -appliedW : appliedW;
    payloads.add(payload("SETPOINT", kw(signedW)));
    if (soc >= 0) {
      payloads.add(
          payload(
              "STORAGE_CHARGE_LEVEL",
              BigDecimal.valueOf(soc).movePointLeft(2).setScale(4, RoundingMode.HALF_UP)));
    }
    payloads.add(payload("OPERATING_STATE", operatingState));
    if (why != null) {
      payloads.add(payload(FlexibilityAgent.REFUSAL_PAYLOAD, why.refusal() + ": " + why.reason()));
    }
    List<Object> descriptors = new ArrayList<>();
    descriptors.add(descriptor("SETPOINT", "KW"));
    if (soc >= 0) {
      descriptors.add(descriptor("STORAGE_CHARGE_LEVEL", "PERCENT"));
    }
    descriptors.add(descriptor("OPERATING_STATE", null));
    Map<String, Object> interval = new LinkedHashMap<>();
    interval.put("id", 0L);
    interval.put("payloads", payloads);
    Map<String, Object> resource = new LinkedHashMap<>();
    resource.put("resourceName", deviceId);
    if (c != null) {
      Map<String, Object> period = new LinkedHashMap<>();
      period.put("start", ReadingCodec.formatInstant(c.validFrom()));
      period.put("duration", Duration.between(c.validFrom(), c.validUntil()).toString());
      resource.put("intervalPeriod", period);
    }
    resource.put("intervals", List.of(interval));
    Map<String, Object> report = new LinkedHashMap<>();
    report.put("eventID", eventId);
    report.put("clientName", venName);
    report.put("reportName", "peerwatt-flexibility-" + (c == null ? "refusal" : c.commandId()));
    report.put("payloadDescriptors", descriptors);
    report.put("resources", List.of(resource));
    return report;
  }

  static BigDecimal kw(long watts) {
    return BigDecimal.valueOf(watts).movePointLeft(3).setScale(3, RoundingMode.UNNECESSARY);
  }

  static Map<String, Object> payload(String type, Object value) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("type", type);
    m.put("values", List.of(value));
    return m;
  }

  static Map<String, Object> descriptor(String payloadType, String units) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("objectType", "REPORT_PAYLOAD_DESCRIPTOR");
    m.put("payloadType", payloadType);
    if (units != null) {
      m.put("units", units);
    }
    return m;
  }
}

package io.peerwatt.trading.flex;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** The parts of the OpenADR events the platform writes: payload descriptors and payloads. */
final class OpenAdrPayloads {
  private OpenAdrPayloads() {}

  /** An event's descriptor of its payloads of {@code payloadType}, in {@code units}. */
  static JsonObject descriptor(String payloadType, String units) {
    return new JsonObject()
        .put("objectType", "EVENT_PAYLOAD_DESCRIPTOR")
        .put("payloadType", payloadType)
        .put("units", units);
  }

  /** An interval's payload of {@code type} with its one value. */
  static JsonObject payload(String type, Object value) {
    return new JsonObject().put("type", type).put("values", new JsonArray().add(value));
  }
}

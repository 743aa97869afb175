package io.peerwatt.protocol.encoding;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.peerwatt.protocol.FormatException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {
  @Test
  @SuppressWarnings("unchecked")
  void parsesAllTypes() {
    Map<String, Object> m =
        Json.parseObject(
            "{\"a\":1,\"b\":-9223372036854775808,\"c\":18446744073709551616,\"d\":1.5e3,"
                + "\"e\":\"x\\u00e9\\n\",\"f\":[true,false,null],\"g\":{}}");
    assertThat(m.get("a")).isEqualTo(1L);
    assertThat(m.get("b")).isEqualTo(Long.MIN_VALUE);
    assertThat(m.get("c")).isEqualTo(new BigInteger("18446744073709551616"));
    assertThat(m.get("d")).isEqualTo(new BigDecimal("1.5e3"));
    assertThat(m.get("e")).isEqualTo("x\u00e9\n");
    assertThat((List<Object>) m.get("f")).containsExactly(true, false, Json.NULL);
    assertThat(m.keySet()).containsExactly("a", "b", "c", "d", "e", "f", "g");
  }

  @Test
  void rejectsMalformedDocumentsWithOffsets() {
    assertThatThrownBy(() -> Json.parse("{\"a\":1,\"a\":2}")).hasMessageContaining("duplicate key");
    assertThatThrownBy(() -> Json.parse("[1,]")).isInstanceOf(FormatException.class);
    assertThatThrownBy(() -> Json.parse("01")).hasMessageContaining("leading zero");
    assertThatThrownBy(() -> Json.parse("{} x")).hasMessageContaining("offset 3");
    assertThatThrownBy(() -> Json.parse("\"abc")).hasMessageContaining("unterminated");
    assertThatThrownBy(() -> Json.parse("[".repeat(300))).hasMessageContaining("nesting");
    assertThatThrownBy(() -> Json.parse("tru")).hasMessageContaining("literal");
  }

  @Test
  void writesCompactAndPrettyInInsertionOrder() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("z", 1);
    m.put("a", List.of("q\"", 2L));
    m.put("e", Map.of());
    assertThat(Json.write(m)).isEqualTo("{\"z\":1,\"a\":[\"q\\\"\",2],\"e\":{}}");
    assertThat(Json.writePretty(m))
        .isEqualTo("{\n  \"z\": 1,\n  \"a\": [\n    \"q\\\"\",\n    2\n  ],\n  \"e\": {}\n}");
    assertThat(Json.parse(Json.writePretty(m))).isEqualTo(Json.parse(Json.write(m)));
  }
}

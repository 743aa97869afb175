package io.peerwatt.db;

import static org.assertj.core.api.Assertions.assertThat;

import io.peerwatt.db.schema.DefaultSchema;
import io.peerwatt.db.testing.PostgresExtension;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.jooq.DSLContext;
import org.jooq.DataType;
import org.jooq.Field;
import org.jooq.Table;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The generated jOOQ classes must describe exactly what the migrations build: a migration added
 * without regenerating (or generated code edited by hand) fails here.
 */
@ExtendWith(PostgresExtension.class)
class GeneratedSchemaTest {

  @Test
  void generatedClassesMatchTheMigratedDatabase(DSLContext db) {
    Map<String, String> generated = describe(DefaultSchema.DEFAULT_SCHEMA.getTables());
    Map<String, String> migrated =
        describe(
            db.meta().getSchemas("public").get(0).getTables().stream()
                .filter(t -> !t.getName().equals("flyway_schema_history"))
                // monthly and default partitions are storage of the partitioned parent, not tables
                // of their own
                .filter(t -> !t.getName().matches("reading_(default|y\\d{4}m\\d{2})"))
                .toList());
    assertThat(generated).containsKeys("account", "device", "metering_point", "reading", "zone");
    assertThat(generated).isEqualTo(migrated);
  }

  private static Map<String, String> describe(java.util.List<? extends Table<?>> tables) {
    Map<String, String> out = new TreeMap<>();
    for (Table<?> table : tables) {
      out.put(
          table.getName(),
          java.util.Arrays.stream(table.fields())
              .map(GeneratedSchemaTest::column)
              .sorted()
              .collect(Collectors.joining(", ")));
    }
    return out;
  }

  private static String column(Field<?> f) {
    return f.getName()
        + " "
        + typeName(f.getDataType())
        + (f.getDataType().nullable() ? "" : " not null");
  }

  /**
   * The generator maps every timestamp with time zone to an Instant, whose jOOQ type name is
   * "instant".
   */
  private static String typeName(DataType<?> type) {
    return type.getType() == Instant.class ? "timestamp with time zone" : type.getTypeName();
  }
}

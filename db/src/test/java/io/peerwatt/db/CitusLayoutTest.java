package io.peerwatt.db;

import static org.assertj.core.api.Assertions.assertThat;

import io.peerwatt.db.testing.PostgresExtension;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.jooq.DSLContext;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * deploy/citus.sql classifies every table (reference, distributed by a column, or local with a
 * reason); the migrated schema must allow that layout on Citus. Reads the catalog after all
 * migrations, so neither a new table nor a new key or foreign key can slip past it.
 */
@ExtendWith(PostgresExtension.class)
class CitusLayoutTest {
  private static final Path CITUS_SQL =
      Path.of(System.getProperty("peerwatt.root", ".."), "deploy", "citus.sql");
  private static final Pattern REFERENCE =
      Pattern.compile("SELECT create_reference_table\\('(\\w+)'\\);");
  private static final Pattern DISTRIBUTED =
      Pattern.compile(
          "SELECT create_distributed_table\\('(\\w+)', '(\\w+)'"
              + "(?:, colocate_with => '(\\w+)')?\\);");
  private static final Pattern LOCAL = Pattern.compile("-- local (\\w+): (\\S.*)");

  enum Kind {
    REFERENCE,
    DISTRIBUTED,
    LOCAL
  }

  /**
   * One table's place: its kind, distribution column and colocation group (the first table of the
   * group), and its line in citus.sql.
   */
  record Placement(String table, Kind kind, String column, String group, int line) {}

  @Test
  void theMigratedSchemaFitsTheLayoutOfCitusSql(DSLContext db) throws IOException {
    Map<String, Placement> layout = layout(Files.readAllLines(CITUS_SQL));

    assertThat(violations(db, layout)).isEmpty();
    assertThat(layout.values())
        .filteredOn(p -> p.kind() == Kind.DISTRIBUTED)
        .extracting(Placement::table)
        .contains("market_order", "trade", "standing_rule", "flex_request")
        .contains("reading_chain_restart", "gateway_alarm", "reading_refusal");
  }

  @Test
  void aNewTableOrAKeyWithoutTheDistributionColumnIsReported(DataSource dataSource)
      throws IOException, SQLException {
    Map<String, Placement> layout = layout(Files.readAllLines(CITUS_SQL));
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      try (Statement s = c.createStatement()) {
        s.execute("CREATE TABLE unclassified_probe (id BIGINT PRIMARY KEY)");
        s.execute("ALTER TABLE market_order ADD CONSTRAINT uq_probe_order_id UNIQUE (id)");
        s.execute(
            "ALTER TABLE settlement_payment ADD CONSTRAINT fk_probe_order FOREIGN KEY (id)"
                + " REFERENCES market_order (id)");
        s.execute(
            "ALTER TABLE data_offer ADD COLUMN probe_zone VARCHAR(32),"
                + " ADD COLUMN probe_slot TIMESTAMPTZ, ADD CONSTRAINT fk_probe_slot"
                + " FOREIGN KEY (probe_zone, probe_slot) REFERENCES settlement_slot (zone_code, slot_start)");
        List<String> found = violations(DSL.using(c, SQLDialect.POSTGRES), layout);
        assertThat(found)
            .contains(
                "table unclassified_probe is not classified: add it to deploy/citus.sql as a"
                    + " reference table, a distributed table or a `-- local unclassified_probe:"
                    + " reason` line",
                "market_order: unique index uq_probe_order_id (id) lacks distribution column"
                    + " zone_code",
                "settlement_payment: foreign key fk_probe_order to market_order does not join"
                    + " zone_code to zone_code",
                "data_offer: foreign key fk_probe_slot points from a LOCAL table at DISTRIBUTED"
                    + " settlement_slot");
      } finally {
        c.rollback();
      }
    }
  }

  @Test
  void citusSqlIsReadWholly() {
    Map<String, Placement> layout =
        layout(
            List.of(
                "SELECT create_reference_table('zone');",
                "SELECT create_distributed_table('market_command', 'zone_code');",
                "SELECT create_distributed_table('trade', 'zone_code', colocate_with =>"
                    + " 'market_command');",
                "-- local anchor: one per slot"));
    assertThat(layout.get("trade"))
        .isEqualTo(new Placement("trade", Kind.DISTRIBUTED, "zone_code", "market_command", 2));
    assertThat(layout.get("anchor").kind()).isEqualTo(Kind.LOCAL);
    assertThat(layout).hasSize(4);
  }

  /** The classification citus.sql holds, by table. */
  static Map<String, Placement> layout(List<String> lines) {
    Map<String, Placement> out = new LinkedHashMap<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      Placement p;
      Matcher m;
      if ((m = REFERENCE.matcher(line)).matches()) {
        p = new Placement(m.group(1), Kind.REFERENCE, null, null, i);
      } else if ((m = DISTRIBUTED.matcher(line)).matches()) {
        String group = m.group(3) == null ? m.group(1) : out.get(m.group(3)).group();
        p = new Placement(m.group(1), Kind.DISTRIBUTED, m.group(2), group, i);
      } else if ((m = LOCAL.matcher(line)).matches()) {
        p = new Placement(m.group(1), Kind.LOCAL, null, null, i);
      } else if (line.contains("create_") || line.startsWith("-- local")) {
        throw new IllegalArgumentException(
            "citus.sql line " + (i + 1) + " is not understood: " + line);
      } else {
        continue;
      }
      if (out.put(p.table(), p) != null) {
        throw new IllegalArgumentException("citus.sql classifies " + p.table() + " twice");
      }
    }
    return out;
  }

  /** What in the migrated schema does not fit {@code layout}; empty when all does. */
  static List<String> violations(DSLContext db, Map<String, Placement> layout) {
    List<String> out = new ArrayList<>();
    TreeSet<String> tables =
        new TreeSet<>(
            db.fetch(
                    "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                        + " WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p')"
                        + " AND NOT c.relispartition")
                .getValues(0, String.class));
    for (String table : tables) {
      if (!layout.containsKey(table)) {
        out.add(
            "table "
                + table
                + " is not classified: add it to deploy/citus.sql as a reference table, a"
                + " distributed table or a `-- local "
                + table
                + ": reason` line");
      }
    }
    for (String table : layout.keySet()) {
      if (!tables.contains(table)) {
        out.add("deploy/citus.sql classifies " + table + ", which the schema does not have");
      }
    }

    Map<String, String> groupType = new HashMap<>();
    for (Placement p : layout.values()) {
      if (p.kind() != Kind.DISTRIBUTED || !tables.contains(p.table())) {
        continue;
      }
      var column =
          db.fetchOptional(
              "SELECT data_type, is_nullable FROM information_schema.columns"
                  + " WHERE table_schema = 'public' AND table_name = ? AND column_name = ?",
              p.table(),
              p.column());
      if (column.isEmpty()) {
        out.add(p.table() + ": no distribution column " + p.column());
        continue;
      }
      if (!"NO".equals(column.get().get(1, String.class))) {
        out.add(p.table() + ": distribution column " + p.column() + " may be null");
      }
      String type = column.get().get(0, String.class);
      String groupFirst = groupType.putIfAbsent(p.group(), type);
      if (groupFirst != null && !groupFirst.equals(type)) {
        out.add(
            p.table()
                + ": "
                + p.column()
                + " is "
                + type
                + ", its colocation group's "
                + groupFirst);
      }
    }

    Map<String, Boolean> hasPrimaryKey = new HashMap<>();
    for (var index :
        db.fetch(
            "SELECT t.relname, i.relname, x.indisprimary,"
                + " array_to_string(ARRAY(SELECT a.attname FROM unnest(x.indkey) k"
                + " JOIN pg_attribute a ON a.attrelid = x.indrelid AND a.attnum = k), ',')"
                + " FROM pg_index x JOIN pg_class t ON t.oid = x.indrelid"
                + " JOIN pg_class i ON i.oid = x.indexrelid"
                + " JOIN pg_namespace n ON n.oid = t.relnamespace"
                + " WHERE n.nspname = 'public' AND x.indisunique AND NOT t.relispartition"
                + " ORDER BY 1, 2")) {
      String table = index.get(0, String.class);
      Placement p = layout.get(table);
      if (p == null || p.kind() != Kind.DISTRIBUTED) {
        continue;
      }
      String columns = index.get(3, String.class);
      boolean primary = index.get(2, Boolean.class);
      if (primary) {
        hasPrimaryKey.put(table, true);
      }
      if (!Arrays.asList(columns.split(",")).contains(p.column())) {
        out.add(
            table
                + ": "
                + (primary ? "primary key " : "unique index ")
                + index.get(1, String.class)
                + " ("
                + columns
                + ") lacks distribution column "
                + p.column());
      }
    }
    for (Placement p : layout.values()) {
      if (p.kind() == Kind.DISTRIBUTED
          && tables.contains(p.table())
          && !hasPrimaryKey.containsKey(p.table())) {
        out.add(p.table() + ": no primary key");
      }
    }

    for (var fk :
        db.fetch(
            "SELECT s.relname, c.conname, d.relname,"
                + " (SELECT string_agg(a.attname || '=' || b.attname, ',' ORDER BY k.ord)"
                + " FROM unnest(c.conkey, c.confkey) WITH ORDINALITY AS k(src, dst, ord)"
                + " JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.src"
                + " JOIN pg_attribute b ON b.attrelid = c.confrelid AND b.attnum = k.dst)"
                + " FROM pg_constraint c JOIN pg_class s ON s.oid = c.conrelid"
                + " JOIN pg_class d ON d.oid = c.confrelid"
                + " JOIN pg_namespace n ON n.oid = s.relnamespace"
                + " WHERE n.nspname = 'public' AND c.contype = 'f' AND NOT s.relispartition"
                + " ORDER BY 1, 2")) {
      Placement from = layout.get(fk.get(0, String.class));
      Placement to = layout.get(fk.get(2, String.class));
      if (from == null || to == null) {
        continue;
      }
      String name = fk.get(1, String.class);
      String where = from.table() + ": foreign key " + name;
      if (from.kind() == Kind.DISTRIBUTED && to.kind() == Kind.DISTRIBUTED) {
        List<String> pairs = Arrays.asList(fk.get(3, String.class).split(","));
        if (!from.group().equals(to.group())) {
          out.add(where + " to " + to.table() + " crosses colocation groups");
        } else if (!pairs.contains(from.column() + "=" + to.column())) {
          out.add(
              where
                  + " to "
                  + to.table()
                  + " does not join "
                  + from.column()
                  + " to "
                  + to.column());
        }
      } else if (to.kind() == Kind.DISTRIBUTED
          || to.kind() == Kind.LOCAL && from.kind() != Kind.LOCAL) {
        // Citus: distributed and reference tables point only at reference tables (or colocated
        // distributed ones), local tables at local or reference tables
        out.add(
            where + " points from a " + from.kind() + " table at " + to.kind() + " " + to.table());
      }
      if (from.kind() != Kind.LOCAL && to.line() > from.line() && !from.equals(to)) {
        out.add(where + ": deploy/citus.sql must place " + to.table() + " before " + from.table());
      }
    }
    return out;
  }
}

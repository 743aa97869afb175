package io.peerwatt.deploy.demo;

import org.jooq.DSLContext;

/** The counting queries the demo's reports are made of. */
final class Rows {
  private Rows() {}

  /** The single number {@code sql} selects (0 for SQL null). */
  static long count(DSLContext dsl, String sql, Object... args) {
    Long n = dsl.fetchOne(sql, args).get(0, Long.class);
    return n == null ? 0 : n;
  }
}

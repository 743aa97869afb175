package io.peerwatt.db;

import java.nio.file.Path;

/**
 * A separate JVM that starts the embedded database in the data directory given as its argument,
 * says {@code READY} and waits to be killed: what a platform killed with {@code kill -9} leaves
 * behind.
 */
public final class EmbeddedDatabaseChild {
  private EmbeddedDatabaseChild() {}

  public static void main(String[] args) throws InterruptedException {
    Database db = Database.start(DatabaseConfig.embedded(Path.of(args[0])));
    db.dsl().execute("CREATE TABLE IF NOT EXISTS child_marker (n int)");
    db.dsl().execute("INSERT INTO child_marker VALUES (1)");
    System.out.println("READY");
    System.out.flush();
    Thread.sleep(Long.MAX_VALUE);
  }
}

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.stream.Stream;
import org.flywaydb.core.Flyway;
import org.jooq.codegen.GenerationTool;
import org.jooq.meta.jaxb.Configuration;
import org.jooq.meta.jaxb.Database;
import org.jooq.meta.jaxb.Generate;
import org.jooq.meta.jaxb.Generator;
import org.jooq.meta.jaxb.Jdbc;
import org.jooq.meta.jaxb.Logging;
import org.jooq.meta.jaxb.Target;

/**
 * Build step of the db module: migrates a throwaway embedded PostgreSQL with the Flyway scripts and
 * generates the jOOQ classes from what PostgreSQL then holds. Run by exec-maven-plugin as a
 * single-file program, so it needs neither Docker nor a configured database, and it is not shipped.
 * Skips when the migrations are unchanged since the last generation.
 *
 * <p>Arguments: migrations directory, output directory.
 */
public class GenerateJooq {
  public static void main(String[] args) throws Exception {
    Path migrations = Path.of(args[0]);
    Path output = Path.of(args[1]);
    Path stamp = output.resolve(".migrations.sha256");
    String digest = digest(migrations);
    if (Files.exists(stamp) && Files.readString(stamp).equals(digest)) {
      return;
    }
    Path dataDir = Files.createTempDirectory("peerwatt-jooq-");
    try (EmbeddedPostgres pg = EmbeddedPostgres.builder().setDataDirectory(dataDir).setCleanDataDirectory(true).start()) {
      Flyway.configure()
          .dataSource(pg.getPostgresDatabase())
          .locations("filesystem:" + migrations.toAbsolutePath())
          .load()
          .migrate();
      GenerationTool.generate(new Configuration()
          .withLogging(Logging.WARN)
          .withJdbc(new Jdbc()
              .withDriver("org.postgresql.Driver")
              .withUrl(pg.getJdbcUrl("postgres", "postgres"))
              .withUser("postgres"))
          .withGenerator(new Generator()
              .withDatabase(new Database()
                  .withName("org.jooq.meta.postgres.PostgresDatabase")
                  .withInputSchema("public")
                  .withOutputSchemaToDefault(true)
                  .withExcludes("flyway_schema_history|reading_default|reading_y\\d{4}m\\d{2}"))
              // no to-many join paths: self-references (device.superseded_by) would give clashing method names
              .withGenerate(new Generate().withRecords(true).withPojos(false).withJavaTimeTypes(true)
                  .withImplicitJoinPathsToMany(false))
              .withTarget(new Target()
                  .withPackageName("io.peerwatt.db.schema")
                  .withDirectory(output.toAbsolutePath().toString()))));
    }
    Files.writeString(stamp, digest);
  }

  private static String digest(Path migrations) throws IOException, java.security.NoSuchAlgorithmException {
    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    try (Stream<Path> files = Files.list(migrations)) {
      for (Path f : files.sorted().toList()) {
        sha.update(f.getFileName().toString().getBytes(StandardCharsets.UTF_8));
        sha.update(Files.readAllBytes(f));
      }
    }
    return HexFormat.of().formatHex(sha.digest());
  }
}

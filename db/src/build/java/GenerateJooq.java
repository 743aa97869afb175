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
import org.jooq.meta.jaxb.ForcedType;
import org.jooq.meta.jaxb.Generate;
import org.jooq.meta.jaxb.Generator;
import org.jooq.meta.jaxb.Jdbc;
import org.jooq.meta.jaxb.Logging;
import org.jooq.meta.jaxb.Target;

/**
 * Build step of the db module: migrates a throwaway embedded PostgreSQL with the Flyway scripts and
 * generates the jOOQ classes from what PostgreSQL then holds. Run by exec-maven-plugin as a
 * single-file program, so it needs neither Docker nor a configured database, and it is not shipped.
 * Skips when the migrations and this generator are unchanged since the last generation.
 *
 * <p>Every {@code TIMESTAMPTZ} column is a {@link java.time.Instant} in the generated classes: the
 * schema keeps UTC times, and so does the code, with no conversion at each query.
 *
 * <p>Arguments: migrations directory, output directory, this generator's source (its content is
 * part of the stamp, so a changed generation regenerates).
 */
public class GenerateJooq {
  public static void main(String[] args) throws Exception {
    Path migrations = Path.of(args[0]);
    Path output = Path.of(args[1]);
    Path generator = Path.of(args[2]);
    Path stamp = output.resolve(".migrations.sha256");
    String digest = digest(migrations, generator);
    if (Files.exists(stamp) && Files.readString(stamp).equals(digest)) {
      return;
    }
    Path dataDir = Files.createTempDirectory("peerwatt-jooq-");
    try (EmbeddedPostgres pg =
        EmbeddedPostgres.builder().setDataDirectory(dataDir).setCleanDataDirectory(true).start()) {
      Flyway.configure()
          .dataSource(pg.getPostgresDatabase())
          .locations("filesystem:" + migrations.toAbsolutePath())
          .load()
          .migrate();
      GenerationTool.generate(
          new Configuration()
              .withLogging(Logging.WARN)
              .withJdbc(
                  new Jdbc()
                      .withDriver("org.postgresql.Driver")
                      .withUrl(pg.getJdbcUrl("postgres", "postgres"))
                      .withUser("postgres"))
              .withGenerator(
                  new Generator()
                      .withDatabase(
                          new Database()
                              .withName("org.jooq.meta.postgres.PostgresDatabase")
                              .withInputSchema("public")
                              .withOutputSchemaToDefault(true)
                              .withExcludes(
                                  "flyway_schema_history|reading_default|reading_y\\d{4}m\\d{2}")
                              .withForcedTypes(
                                  new ForcedType()
                                      .withName("INSTANT")
                                      .withIncludeTypes(
                                          "(?i:timestamp(\\(\\d+\\))?\\ with\\ time\\ zone|timestamptz)")))
                      // no to-many join paths: self-references (device.superseded_by) would give
                      // clashing method names
                      .withGenerate(
                          new Generate()
                              .withRecords(true)
                              .withPojos(false)
                              .withJavaTimeTypes(true)
                              .withImplicitJoinPathsToMany(false))
                      .withTarget(
                          new Target()
                              .withPackageName("io.peerwatt.db.schema")
                              .withDirectory(output.toAbsolutePath().toString()))));
    }
    Files.writeString(stamp, digest);
  }

  private static String digest(Path migrations, Path generator)
      throws IOException, java.security.NoSuchAlgorithmException {
    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    sha.update(Files.readAllBytes(generator));
    try (Stream<Path> files = Files.list(migrations)) {
      for (Path f : files.sorted().toList()) {
        sha.update(f.getFileName().toString().getBytes(StandardCharsets.UTF_8));
        sha.update(Files.readAllBytes(f));
      }
    }
    return HexFormat.of().formatHex(sha.digest());
  }
}

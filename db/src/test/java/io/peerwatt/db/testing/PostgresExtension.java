package io.peerwatt.db.testing;

import javax.sql.DataSource;
import org.jooq.DSLContext;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit 5 extension: one fresh migrated database per test class, injected as a {@link
 * TestDatabase}, {@link DSLContext} or {@link DataSource} parameter (constructor, lifecycle or test
 * method).
 *
 * <pre>{@code
 * @ExtendWith(PostgresExtension.class)
 * class AccountStoreTest {
 *   @Test void writes(DSLContext db) { ... }
 * }
 * }</pre>
 */
public final class PostgresExtension
    implements BeforeAllCallback, AfterAllCallback, ParameterResolver {
  private static final ExtensionContext.Namespace NS =
      ExtensionContext.Namespace.create(PostgresExtension.class);

  @Override
  public void beforeAll(ExtensionContext context) {
    database(context);
  }

  @Override
  public void afterAll(ExtensionContext context) {
    TestDatabase db = context.getStore(NS).remove("db", TestDatabase.class);
    if (db != null) {
      db.close();
    }
  }

  private static TestDatabase database(ExtensionContext context) {
    ExtensionContext classContext = context;
    while (classContext.getTestMethod().isPresent() && classContext.getParent().isPresent()) {
      classContext = classContext.getParent().get();
    }
    String hint = classContext.getRequiredTestClass().getSimpleName();
    return classContext
        .getStore(NS)
        .getOrComputeIfAbsent("db", k -> TestDatabase.create(hint), TestDatabase.class);
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    Class<?> type = parameter.getParameter().getType();
    return type == TestDatabase.class || type == DSLContext.class || type == DataSource.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    TestDatabase db = database(context);
    Class<?> type = parameter.getParameter().getType();
    if (type == DSLContext.class) {
      return db.dsl();
    }
    if (type == DataSource.class) {
      return db.dataSource();
    }
    return db;
  }
}

package io.peerwatt.trading.account;

import static io.peerwatt.db.schema.Tables.ACCOUNT;

import io.peerwatt.db.schema.tables.records.AccountRecord;
import io.peerwatt.http.Role;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jooq.DSLContext;
import org.jooq.exception.IntegrityConstraintViolationException;

/**
 * The accounts ({@code account}): people who log in, with their role, zone and payment mode.
 * Blocking.
 */
public final class AccountStore {
  /** {@code account.payment_mode} of accounts the platform signs for (the default). */
  public static final String CUSTODIAL = "custodial";

  private final DSLContext dsl;
  private final PasswordHasher hasher;

  public AccountStore(DSLContext dsl, PasswordHasher hasher) {
    this.dsl = Objects.requireNonNull(dsl, "dsl");
    this.hasher = Objects.requireNonNull(hasher, "hasher");
  }

  /** The account that logs in as {@code username}. */
  public Optional<AccountRecord> byUsername(String username) {
    return dsl.selectFrom(ACCOUNT).where(ACCOUNT.USERNAME.eq(username)).fetchOptional();
  }

  public Optional<AccountRecord> byId(long id) {
    return dsl.selectFrom(ACCOUNT).where(ACCOUNT.ID.eq(id)).fetchOptional();
  }

  /** Every account, oldest first. */
  public List<AccountRecord> all() {
    return dsl.selectFrom(ACCOUNT).orderBy(ACCOUNT.ID).fetch();
  }

  /**
   * Creates an account whose password is kept as an Argon2id hash (tens of milliseconds of work).
   *
   * @param zone the account's zone, or null
   * @param paymentMode {@link #CUSTODIAL} or {@code m2m}
   * @throws UsernameTakenException when an account has the name already
   */
  public AccountRecord create(
      String username,
      String password,
      Role role,
      String zone,
      String displayName,
      String paymentMode) {
    String hash = hasher.hash(password);
    try {
      return dsl.insertInto(ACCOUNT)
          .set(ACCOUNT.USERNAME, username)
          .set(ACCOUNT.ROLE, role.code())
          .set(ACCOUNT.PASSWORD_HASH, hash)
          .set(ACCOUNT.ZONE_CODE, zone)
          .set(ACCOUNT.DISPLAY_NAME, displayName)
          .set(ACCOUNT.PAYMENT_MODE, paymentMode)
          .returning()
          .fetchOne();
    } catch (IntegrityConstraintViolationException e) {
      throw new UsernameTakenException(username);
    }
  }

  /** Another account has the username already. */
  public static final class UsernameTakenException extends RuntimeException {
    UsernameTakenException(String username) {
      super("the username " + username + " is taken", null, false, false);
    }
  }
}

package io.peerwatt.trading;

import io.peerwatt.http.Role;
import io.peerwatt.trading.account.AccountStore;
import io.peerwatt.trading.account.PasswordHasher;
import java.security.SecureRandom;
import org.jooq.DSLContext;

/**
 * Account tasks run outside the HTTP API, such as creating the first operator of a fresh install.
 */
public final class AccountAdmin {
  /** Shortest password accepted anywhere (the API's schema says the same). */
  public static final int MIN_PASSWORD_LENGTH = 12;

  private AccountAdmin() {}

  /**
   * Creates an operator account with an Argon2id-hashed password. Blocking.
   *
   * @return the new account's id
   * @throws IllegalArgumentException for a malformed username, a short password or a taken username
   */
  public static long createOperator(DSLContext dsl, String username, String password) {
    if (username == null || !username.matches("[a-z0-9._-]{3,64}")) {
      throw new IllegalArgumentException("username must be 3 to 64 of a-z 0-9 . _ -");
    }
    if (password == null || password.length() < MIN_PASSWORD_LENGTH || password.length() > 1024) {
      throw new IllegalArgumentException(
          "password must have " + MIN_PASSWORD_LENGTH + " to 1024 characters");
    }
    try {
      return new AccountStore(dsl, new PasswordHasher(new SecureRandom()))
          .create(username, password, Role.OPERATOR, null, null, AccountStore.CUSTODIAL)
          .getId();
    } catch (AccountStore.UsernameTakenException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
  }
}

package io.peerwatt.http;

import java.util.Arrays;

/**
 * The authenticated account behind a request, taken from its verified token.
 *
 * @param accountId the account's id
 * @param username its login name
 * @param role its role
 * @param zoneCode its grid zone, or null (operators, and utilities without one)
 */
public record Caller(long accountId, String username, Role role, String zoneCode) {

  public boolean isOperator() {
    return role == Role.OPERATOR;
  }

  /** Refuses with 403 unless the caller has one of {@code roles}. */
  public Caller require(Role... roles) {
    for (Role r : roles) {
      if (r == role) {
        return this;
      }
    }
    throw ApiError.forbidden(
        "this needs the role "
            + Arrays.stream(roles).map(Role::code).reduce((a, b) -> a + " or " + b).orElse("?"));
  }
}

package io.kbackup.restore;

import io.kbackup.error.KbackupException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/** Principals renamed on restore, parsed from {@code User:a=User:b,User:c=User:d}. */
public final class PrincipalMap {

  private static final Pattern PRINCIPAL = Pattern.compile("[A-Za-z]+:[^=,\\s]+");
  private final Map<String, String> renames;

  private PrincipalMap(Map<String, String> renames) {
    this.renames = renames;
  }

  public static PrincipalMap identity() {
    return new PrincipalMap(Map.of());
  }

  public static PrincipalMap parse(String spec) {
    Map<String, String> renames = new LinkedHashMap<>();
    if (spec == null || spec.isBlank()) {
      return new PrincipalMap(renames);
    }
    for (String pair : spec.split(",")) {
      String[] parts = pair.trim().split("=", -1);
      if (parts.length != 2
          || !PRINCIPAL.matcher(parts[0]).matches()
          || !PRINCIPAL.matcher(parts[1]).matches()) {
        throw KbackupException.usage(
            "--principal-map entry '" + pair.trim() + "' is not PRINCIPAL=PRINCIPAL",
            "write --principal-map User:app-prod=User:app-dr,User:ops=User:dr-ops");
      }
      renames.put(parts[0], parts[1]);
    }
    return new PrincipalMap(Map.copyOf(renames));
  }

  public String map(String principal) {
    return renames.getOrDefault(principal, principal);
  }

  /** The user name a {@code User:} principal is renamed to, for quotas keyed by user name. */
  public String mapUser(String user) {
    String mapped = map("User:" + user);
    return mapped.startsWith("User:") ? mapped.substring("User:".length()) : user;
  }
}

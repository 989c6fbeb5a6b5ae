package io.micro.cmd;

import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads go-micro's flags and their {@code MICRO_*} environment variables.
 *
 * <pre>{@code
 * Options options = Flags.parse(args, System.getenv());
 * // --registry=mdns --server_address 127.0.0.1:8080 --register_ttl=30 --server_metadata zone=eu
 * }</pre>
 *
 * <p>Flags are written {@code --name=value} or {@code --name value} (one dash works too, and
 * {@code -} inside a name reads as {@code _}); {@code --} ends the flags. Durations are seconds
 * ({@code 30}) or Go durations ({@code 500ms}, {@code 5s}, {@code 1m30s}). Every flag has its
 * variable, {@code MICRO_} and the name in upper case ({@code MICRO_REGISTER_TTL}); flags win over
 * variables. Variables that start with {@code MICRO_} but are not ours are ignored (other tools
 * read them); unknown flags are errors.
 *
 * <p>Our own addition to go-micro's names: {@code --server_execution=auto|virtual|pool|direct}
 * chooses where handlers run (see {@link io.micro.server.ExecutionMode}).
 */
public final class Flags {
  private Flags() {}

  /**
   * The options given by {@code env} (typically {@code System.getenv()}) overridden by
   * {@code args}. Arguments that are not flags are kept in {@link Options#args()}.
   *
   * @throws IllegalArgumentException naming the flag or variable when one is unknown, lacks its
   *     value or has an invalid one
   */
  public static Options parse(String[] args, Map<String, String> env) {
    return fromEnvironment(env).overriddenBy(fromArgs(args));
  }

  /** The options given by {@code MICRO_*} variables alone. */
  public static Options fromEnvironment(Map<String, String> env) {
    Options.Builder b = Options.builder();
    for (Flag flag : Flag.values()) {
      String value = env.get(flag.env());
      if (value != null && !value.isBlank()) {
        try {
          b.set(flag, value);
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException(flag.env() + ": " + e.getMessage(), e);
        }
      }
    }
    return b.build();
  }

  /** The options given by command-line arguments alone. */
  public static Options fromArgs(String[] args) {
    Options.Builder b = Options.builder();
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (arg.equals("--")) {
        for (int j = i + 1; j < args.length; j++) {
          b.arg(args[j]);
        }
        break;
      }
      if (!arg.startsWith("-") || arg.equals("-")) {
        b.arg(arg);
        continue;
      }
      String body = arg.startsWith("--") ? arg.substring(2) : arg.substring(1);
      int eq = body.indexOf('=');
      String name = eq < 0 ? body : body.substring(0, eq);
      Flag flag = lookup(name);
      String value;
      if (eq >= 0) {
        value = body.substring(eq + 1);
      } else if (i + 1 < args.length) {
        value = args[++i];
      } else {
        throw new IllegalArgumentException("flag --" + flag.flagName + ": no value (expected: --"
            + flag.flagName + "=VALUE or --" + flag.flagName + " VALUE)");
      }
      b.set(flag, value);
    }
    return b.build();
  }

  /** Every flag with its variable and meaning, one per line, for {@code --help} texts. */
  public static String usage() {
    StringBuilder sb = new StringBuilder();
    for (Flag f : Flag.values()) {
      sb.append(String.format(Locale.ROOT, "  --%-24s %-32s %s%n", f.flagName, "[$" + f.env() + "]", f.usage));
    }
    return sb.toString();
  }

  /** The flag called {@code name}; unknown names fail naming the nearest known flag. */
  static Flag lookup(String name) {
    String normal = name.strip().toLowerCase(Locale.ROOT).replace('-', '_');
    for (Flag f : Flag.values()) {
      if (f.flagName.equals(normal)) {
        return f;
      }
    }
    List<Flag> all = Arrays.asList(Flag.values());
    Flag nearest = all.stream().min(Comparator.comparingInt(f -> distance(f.flagName, normal))).orElseThrow();
    throw new IllegalArgumentException("unknown flag --" + name + " (did you mean --" + nearest.flagName + "?)");
  }

  /** Levenshtein distance. */
  static int distance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }
}

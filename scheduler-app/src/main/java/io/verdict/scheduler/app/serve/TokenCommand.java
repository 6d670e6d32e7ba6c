package io.verdict.scheduler.app.serve;

import com.nimbusds.jose.jwk.ECKey;
import io.verdict.scheduler.app.cli.Args;
import io.verdict.scheduler.app.cli.UsageException;
import io.verdict.scheduler.http.security.LocalSigningKey;
import io.verdict.scheduler.http.security.Scope;
import io.verdict.scheduler.http.security.TokenMinter;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * {@code token --tenant T [--scope a,b,c] [--ttl 3600] [--subject S] [--data-dir D] [--init]}: prints a development
 * JWT signed with the embedded service's key (the same data directory), so {@code TOKEN=$(... token ...)} works in a
 * shell. The data directory it used is named on stderr. Without {@code --init} it refuses to create a key: a key
 * created in the wrong directory mints tokens the running service rejects, which is worse than a clear error.
 */
public final class TokenCommand {
    public static final Set<String> OPTIONS = Set.of("tenant", "scope", "ttl", "subject", "data-dir");
    public static final Set<String> FLAGS = Set.of("init");

    private TokenCommand() {}

    public static int run(List<String> argv, PrintStream out, Map<String, String> env) {
        return run(argv, out, System.err, env);
    }

    public static int run(List<String> argv, PrintStream out, PrintStream err, Map<String, String> env) {
        Args a = Args.parse("token", argv, OPTIONS, FLAGS);
        String tenantArg = a.string("tenant", null);
        if (tenantArg == null || tenantArg.isBlank()) throw new UsageException("token: --tenant is required (e.g. --tenant demo)");
        List<String> tenants = new ArrayList<>(new LinkedHashSet<>(split(tenantArg)));
        for (String t : tenants) {
            if (!t.matches("[A-Za-z0-9._-]{1,64}")) throw new UsageException("token: malformed tenant '" + t + "'");
        }
        List<String> scopes = split(a.string("scope", defaultScopes()));
        for (String s : scopes) {
            if (Scope.parse(s).isEmpty()) {
                throw new UsageException("token: unknown scope '" + s + "'; known: " + defaultScopes() + ",scheduler.admin");
            }
        }
        long ttl = a.longValue("ttl", 3600, 60, 366L * 24 * 3600);
        String subject = a.string("subject", "dev@" + System.getProperty("user.name", "local"));
        Path dataDir = ServeCommand.dataDir(a.string("data-dir", null), env);
        Path where = dataDir.toAbsolutePath().normalize();
        boolean existed = LocalSigningKey.exists(dataDir);
        if (!existed && !a.flag("init")) {
            throw new UsageException("token: no signing key in data dir " + where + " (looked for "
                    + LocalSigningKey.FILE + "); point --data-dir (or SCHEDULER_DATA_DIR) at the directory `serve`"
                    + " uses, or pass --init to create a new key there");
        }
        ECKey key;
        try {
            key = LocalSigningKey.loadOrCreate(dataDir);
        } catch (IOException e) {
            throw new UsageException("token: cannot read or create the signing key in " + dataDir + ": " + e.getMessage());
        }
        out.println(TokenMinter.local(key).mint(subject, tenants, scopes, Duration.ofSeconds(ttl)));
        err.println("token: signed with the key of data dir " + where + (existed ? "" : " (key created now)"));
        return 0;
    }

    /** Every scope but admin, comma-separated. */
    public static String defaultScopes() {
        return Arrays.stream(Scope.values()).filter(s -> s != Scope.ADMIN).map(Scope::wire).collect(Collectors.joining(","));
    }

    private static List<String> split(String s) {
        return Arrays.stream(s.split(",")).map(String::trim).filter(x -> !x.isEmpty()).toList();
    }
}

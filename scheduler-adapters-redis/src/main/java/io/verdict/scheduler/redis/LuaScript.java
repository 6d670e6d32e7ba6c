package io.verdict.scheduler.redis;

import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.sync.RedisCommands;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A Lua script kept as a resource next to this class, run with EVALSHA and re-sent with EVAL when Redis does
 * not know it yet (first use, restart, SCRIPT FLUSH). Several resources can be concatenated so scripts share
 * helper functions without Redis Functions.
 */
final class LuaScript {
    private final String name;
    private final String source;
    private final String sha;

    private LuaScript(String name, String source) {
        this.name = name;
        this.source = source;
        this.sha = sha1(source);
    }

    static LuaScript fromResources(String... resources) {
        StringBuilder sb = new StringBuilder();
        for (String r : resources) {
            try (InputStream in = LuaScript.class.getResourceAsStream(r)) {
                if (in == null) throw new IllegalStateException("missing Lua resource " + r);
                sb.append(new String(in.readAllBytes(), StandardCharsets.UTF_8)).append('\n');
            } catch (IOException e) {
                throw new IllegalStateException("cannot read Lua resource " + r, e);
            }
        }
        return new LuaScript(resources[resources.length - 1], sb.toString());
    }

    <T> T run(RedisCommands<String, String> redis, ScriptOutputType type, String[] keys, String... args) {
        try {
            return redis.evalsha(sha, type, keys, args);
        } catch (RedisNoScriptException e) {
            return redis.eval(source, type, keys, args);
        }
    }

    String name() {
        return name;
    }

    private static String sha1(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is required by every JDK", e);
        }
    }
}

package io.verdict.scheduler.http.console.page;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import io.verdict.scheduler.http.problem.ApiProblem;
import io.verdict.scheduler.http.routes.ApiRoute;
import io.verdict.scheduler.http.routes.RequestLog;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The Runs workspace page. A browser asking {@code /console/runs} or {@code /console/runs/{runId}} for HTML gets
 * the page shell (the same file for both: the script reads the run ID from the address, so links into a drawer
 * work); API clients asking for JSON get the console API's answer on the same paths, unchanged. The shell holds
 * no data and is public — everything it shows it fetches with the user's session, through the same scope and
 * tenant checks as any API call. Static files are classpath resources under {@code /console/}, served from
 * {@value #ASSETS}; there is no build step and no CDN, so the page works air-gapped.
 */
public final class ConsolePage {
    public static final String ASSETS = "/console/assets";
    private static final Set<String> PAGE_ROUTES = Set.of("/console/runs", "/console/runs/{runId}");
    private static final Pattern ASSET = Pattern.compile("[a-z0-9-]{1,64}\\.(js|css|svg)");
    private static final Map<String, String> TYPES = Map.of(
            "js", "text/javascript; charset=utf-8", "css", "text/css; charset=utf-8", "svg", "image/svg+xml");
    /** Only this origin's scripts, styles and connections; no framing; nothing inline. */
    static final String CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            + "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

    private final Map<String, byte[]> cache = new ConcurrentHashMap<>();

    /** Serves the page instead of the route's JSON when a browser asks for HTML; false leaves the request to the API. */
    public boolean serveInstead(Context ctx, ApiRoute route) {
        if (!route.method().name().equals("GET") || !PAGE_ROUTES.contains(route.path()) || !wantsHtml(ctx.header("Accept"))) {
            return false;
        }
        page(ctx);
        return true;
    }

    public void install(RoutesConfig routes) {
        routes.get(ASSETS + "/{file}", ctx -> {
            RequestLog.matched(ctx, ASSETS + "/{file}");
            String file = ctx.pathParam("file");
            if (!ASSET.matcher(file).matches()) throw ApiProblem.notFound("no such console asset");
            byte[] body = resource(file);
            if (body == null) throw ApiProblem.notFound("no such console asset");
            ctx.contentType(TYPES.get(file.substring(file.lastIndexOf('.') + 1)));
            ctx.header("Cache-Control", "no-cache");
            ctx.header("X-Content-Type-Options", "nosniff");
            ctx.result(body);
        });
        // A person typing the host name or /console lands on the page; an API client gets the usual 404.
        for (String entry : new String[] {"/", "/console"}) {
            routes.get(entry, ctx -> {
                RequestLog.matched(ctx, entry);
                if (!wantsHtml(ctx.header("Accept"))) {
                    throw ApiProblem.notFound("no such endpoint; the console page is at /console/runs, the API at /openapi.json");
                }
                ctx.redirect("/console/runs", HttpStatus.SEE_OTHER);
            });
        }
    }

    /** Browsers put text/html first in Accept; API clients send application/json or nothing (then JSON). */
    static boolean wantsHtml(String accept) {
        if (accept == null) return false;
        for (String part : accept.split(",")) {
            String type = part.split(";")[0].trim();
            if (type.equalsIgnoreCase("text/html") || type.equalsIgnoreCase("application/xhtml+xml")) return true;
            if (type.equalsIgnoreCase("application/json") || type.equalsIgnoreCase("text/event-stream")) return false;
        }
        return false;
    }

    private void page(Context ctx) {
        ctx.contentType("text/html; charset=utf-8");
        ctx.header("Content-Security-Policy", CSP);
        ctx.header("X-Content-Type-Options", "nosniff");
        ctx.header("Referrer-Policy", "no-referrer");
        ctx.header("Cache-Control", "no-cache");
        ctx.header("Vary", "Accept");
        ctx.result(resource("index.html"));
    }

    /** A bundled file, read once; misses are not remembered, so guessed names cannot grow the cache. */
    private byte[] resource(String name) {
        byte[] hit = cache.get(name);
        if (hit != null) return hit;
        try (InputStream in = ConsolePage.class.getResourceAsStream("/console/" + name)) {
            if (in == null) return null;
            byte[] body = in.readAllBytes();
            cache.put(name, body);
            return body;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
